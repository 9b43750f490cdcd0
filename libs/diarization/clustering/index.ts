export { clusterEmbeddings } from './clustering';
