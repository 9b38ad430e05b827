export { listen } from '../local/listen.ts';
