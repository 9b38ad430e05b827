/** The part of Swagger UI's prebuilt ES bundle this page uses (the package ships no types). */
declare module 'swagger-ui-dist/swagger-ui-es-bundle.js' {
  type SwaggerUI = { preauthorizeApiKey(scheme: string, value: string): void };
  type Options = {
    url: string;
    dom_id: string;
    validatorUrl: string | null;
    deepLinking?: boolean;
    persistAuthorization?: boolean;
    tryItOutEnabled?: boolean;
    displayOperationId?: boolean;
    onComplete?: () => void;
  };
  const SwaggerUIBundle: (options: Options) => SwaggerUI;
  export default SwaggerUIBundle;
}
