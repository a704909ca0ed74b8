package tlog

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// The C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles), relative to
// the log's directory or URL prefix:
//
//	checkpoint                  the signed checkpoint (the only mutable file)
//	tile/<L>/<N>                a full tile: 256 hashes of level L
//	tile/<L>/<N>.p/<W>          a partial tile of W hashes (1..255)
//	tile/entries/<N>            a full entry bundle: 256 entries
//	tile/entries/<N>.p/<W>      a partial entry bundle of W entries
//
// <N> is written as zero-padded three-digit path segments, all but the
// last prefixed with "x": tile 1234067 is x001/x234/067.
const (
	tileWidth    = 256
	tileHeight   = 8
	hashSize     = 32
	fullTileSize = tileWidth * hashSize

	// MaxEntrySize is the largest entry an entry bundle can hold: its
	// length is a big-endian uint16.
	MaxEntrySize = 1<<16 - 1
)

// tilePath is the path of tile n at level; w is its width, 256 for a full tile.
func tilePath(level uint, n uint64, w int) string {
	return "tile/" + strconv.FormatUint(uint64(level), 10) + "/" + indexPath(n, w)
}

// entriesPath is the path of entry bundle n of width w.
func entriesPath(n uint64, w int) string {
	return "tile/entries/" + indexPath(n, w)
}

func indexPath(n uint64, w int) string {
	segs := []string{fmt.Sprintf("%03d", n%1000)}
	for n >= 1000 {
		n /= 1000
		segs = append(segs, fmt.Sprintf("x%03d", n%1000))
	}
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	p := strings.Join(segs, "/")
	if w < tileWidth {
		p += ".p/" + strconv.Itoa(w)
	}
	return p
}

// widthAt is the width of tile n at level for a tree of size entries:
// 256 for a full tile, 0 for one that does not exist yet.
func widthAt(level uint, n, size uint64) int {
	hashes := size >> (tileHeight * level) // hashes at this level
	start := n * tileWidth
	switch {
	case hashes <= start:
		return 0
	case hashes-start >= tileWidth:
		return tileWidth
	}
	return int(hashes - start)
}

// appendEntry appends e to an entry bundle.
func appendEntry(bundle, e []byte) []byte {
	bundle = binary.BigEndian.AppendUint16(bundle, uint16(len(e)))
	return append(bundle, e...)
}

// parseBundle splits an entry bundle into its entries. want is how many
// the bundle must hold; a longer one (a full bundle read for a partial
// width) is cut to want, a shorter one is an error.
func parseBundle(data []byte, want int) ([][]byte, error) {
	entries := make([][]byte, 0, want)
	for len(entries) < want {
		if len(data) == 0 {
			return entries, fmt.Errorf("entry bundle holds %d entries, want %d", len(entries), want)
		}
		if len(data) < 2 {
			return entries, fmt.Errorf("entry %d: truncated length", len(entries))
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return entries, fmt.Errorf("entry %d: length %d runs past the end of the bundle", len(entries), n)
		}
		entries = append(entries, data[2:2+n:2+n])
		data = data[2+n:]
	}
	return entries, nil
}

// bundleLen is the encoded length of the first n entries of a bundle.
func bundleLen(data []byte, n int) int {
	off := 0
	for range n {
		off += 2 + int(binary.BigEndian.Uint16(data[off:]))
	}
	return off
}
