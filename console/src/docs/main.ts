/**
 * /console/docs: the /v1 reference, read from /v1/openapi.json by Swagger UI, with "Try it out" on
 * this origin. Its own Vite entry, so the console's first load never carries it. Swagger UI's
 * prebuilt bundle holds its own React, apart from the console's Preact.
 */
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import { readKey } from '../session.ts';
import './docs.css';

const ui = SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#docs',
  // The default validator badge loads an image from validator.swagger.io: nothing from other origins.
  validatorUrl: null,
  deepLinking: true,
  displayOperationId: true,
  // A key typed in "Authorize" stays in this tab's memory only, like the console's own.
  persistAuthorization: false,
  onComplete() {
    // Opened from a signed-in console tab: its key is already there for "Try it out".
    const key = readKey();
    if (key) ui.preauthorizeApiKey('bearerAuth', key);
  },
});
