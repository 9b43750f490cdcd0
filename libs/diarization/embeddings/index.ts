export { EmbeddingModel } from './embedding';
export type { EmbeddingInputs, EmbeddingModelInfo, LocalEmbeddings } from './embedding';
export { FbankExtractor } from './fbank';
export type { FbankOptions } from './fbank';
