export { EmbeddingModel } from './embedding';
export { applyCopies, planEmbeddingStep } from './embedding-step';
export type { EmbeddingPlan } from './embedding-step';
export type { EmbeddingInputs, EmbeddingModelInfo, LocalEmbeddings } from './embedding';
export { FbankExtractor } from './fbank';
export type { FbankOptions } from './fbank';
