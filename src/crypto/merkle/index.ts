/** RFC 6962 / RFC 9162 Merkle trees: hashing, proofs from stored nodes, and verification. */
export { bytesEqual, emptyRoot, HASH_SIZE, largestPowerOfTwoBelow, leafHash, nodeHash } from './hash.js';
export { EMPTY_TREE, extendTree, type HashedNode, memoryNodeReader, rootFromLeaves, type TreeFrontier, treeRoot } from './extend-tree.js';
export { consistencyProof, foldSubtrees, frontierNodes, inclusionProof, type NodeId, type NodeReader, rangeNodes, rootAt } from './prove.js';
export { MerkleProofError, type ProofFailure, verifyConsistency, verifyInclusion } from './verify.js';
