/** RFC 6962 / RFC 9162 Merkle trees: hashing, proofs from stored nodes, and (from the SDK) verification. */
export {
  bytesEqual,
  emptyRoot,
  HASH_SIZE,
  largestPowerOfTwoBelow,
  leafHash,
  leafHashSync,
  leafHashWith,
  nodeHash,
  nodeHashSync,
  type SyncSha256,
} from './hash.js';
export { EMPTY_TREE, extendTree, type HashedNode, memoryNodeReader, rootFromLeaves, type TreeFrontier, treeRoot } from './extend-tree.js';
export {
  consistencyProof,
  consistencyProofPlan,
  foldSubtrees,
  foldSubtreesSync,
  frontierNodes,
  inclusionProof,
  inclusionProofPlan,
  type NodeId,
  type NodeReader,
  type ProofPlan,
  rangeNodes,
  rootAt,
} from './prove.js';
// Verification is the SDK's (one implementation for the server, the CLI and every client).
export { MerkleProofError, type ProofFailure, verifyConsistency, verifyInclusion } from '@permis/sdk/verify';
