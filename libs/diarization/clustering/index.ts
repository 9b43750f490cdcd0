export { COMMUNITY1_CLUSTERING, clusterVbx, withoutSilentSpeakers } from './vbx-clustering';
export type { VbxClustering, VbxClusteringOptions } from './vbx-clustering';
export { NO_CLUSTER, assignConstrained } from './cluster-assignment';
export { Plda, community1Plda } from './plda';
export type { PldaFeatures } from './plda';
export type { TrainingSet } from './training-set';
export type { VbxResult } from './vbx';
