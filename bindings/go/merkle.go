//go:build cgo

package cloak

import (
	"bytes"
	"slices"
	"unsafe"
)

// The Merkle tree of a vault head commits to every secret: one leaf per secret (its blind index
// and a digest of its sealed bytes), sorted by blind index. The writer computes the root for
// [CreateHead] and proofs for readers; a reader checks them against a verified [Head].

// MerkleHash is a node of the tree: its root, or a hash of a proof.
type MerkleHash [MerkleHashBytes]byte

// MerkleLeaf is a secret's leaf: its blind index followed by a digest of its sealed bytes.
type MerkleLeaf [MerkleLeafBytes]byte

// NewMerkleLeaf is the leaf of a sealed secret whose blind index ([Vault.BlindIndex]) is
// blindIndex (BlindIndexBytes bytes, else [ErrBadParams]).
func NewMerkleLeaf(blindIndex, sealed []byte) (MerkleLeaf, error) {
	var leaf MerkleLeaf
	if err := checkSize("merkle leaf", "blind index", blindIndex, BlindIndexBytes); err != nil {
		return leaf, err
	}
	cloakMerkleLeaf(leaf[:], blindIndex, sealed)
	return leaf, nil
}

// SortMerkleLeaves sorts leaves by blind index, the order every function below takes them in.
func SortMerkleLeaves(leaves []MerkleLeaf) {
	slices.SortFunc(leaves, func(a, b MerkleLeaf) int {
		return bytes.Compare(a[:BlindIndexBytes], b[:BlindIndexBytes])
	})
}

// leafBytes is the leaves as the one contiguous array the library reads, without a copy.
func leafBytes(leaves []MerkleLeaf) []byte {
	if len(leaves) == 0 {
		return nil
	}
	return unsafe.Slice(&leaves[0][0], len(leaves)*MerkleLeafBytes)
}

// MerkleRoot is the root over leaves, sorted strictly increasing by blind index ([ErrBadParams]
// otherwise); at most MerkleLeavesMax.
func MerkleRoot(leaves []MerkleLeaf) (MerkleHash, error) {
	var root MerkleHash
	if err := cloakMerkleRoot(root[:], leafBytes(leaves)); err != nil {
		return MerkleHash{}, err
	}
	return root, nil
}

// MerkleProveInclusion is the proof that leaves[index] is in the tree over leaves (at most
// MerkleInclusionProofBytesMax bytes), for [Head.VerifyInclusion].
func MerkleProveInclusion(leaves []MerkleLeaf, index int) ([]byte, error) {
	if index < 0 {
		return nil, paramError("merkle prove inclusion", codeBadParams, nil)
	}
	return cloakMerkleProveInclusion(leafBytes(leaves), index)
}

// MerkleProveAbsence is the proof that no leaf of the tree over leaves has this blind index (at
// most MerkleAbsenceProofBytesMax bytes), for [Head.VerifyAbsence]. A blind index that is in the
// tree fails.
func MerkleProveAbsence(leaves []MerkleLeaf, blindIndex []byte) ([]byte, error) {
	return cloakMerkleProveAbsence(leafBytes(leaves), blindIndex)
}
