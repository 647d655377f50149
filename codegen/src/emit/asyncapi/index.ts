export { type AsyncApiOptions, emitAsyncApi } from "./emit-asyncapi.js";
