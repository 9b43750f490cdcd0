export { EmbeddingModel } from './embedding';
export type { LocalEmbeddings } from './embedding';
export { FbankExtractor } from './fbank';
export type { FbankOptions } from './fbank';
