package safehttp

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// ReadLimited reads at most maxBytes bytes from r. truncated reports that more
// data was available, either because r had another byte or because r is a
// Client response body that stopped at Config.MaxBodyBytes. Use it when a
// prefix of the body is still useful, as with a long article; read the body
// directly when an oversized one should fail with ErrTooLarge.
func ReadLimited(r io.Reader, maxBytes int64) (data []byte, truncated bool, err error) {
	if maxBytes < 0 {
		return nil, false, fmt.Errorf("safehttp: ReadLimited: negative limit %d", maxBytes)
	}
	// One byte past the limit tells "exactly full" apart from "more".
	limit := maxBytes
	if limit < math.MaxInt64 {
		limit++
	}
	data, err = io.ReadAll(io.LimitReader(r, limit))
	if int64(len(data)) > maxBytes {
		return data[:maxBytes], true, nil
	}
	if errors.Is(err, ErrTooLarge) {
		return data, true, nil
	}
	if err != nil {
		return data, false, fmt.Errorf("safehttp: read body: %w", err)
	}
	return data, false, nil
}

// limitedBody fails with ErrTooLarge once more than max bytes have come
// through, so no caller can forget the cap on a response body.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge()
	}
	// Ask for one byte beyond what is left, to learn whether the body
	// continues past the limit.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) <= b.left {
		b.left -= int64(n)
		return n, err
	}
	n = int(b.left)
	b.left = -1
	return n, b.tooLarge()
}

func (b *limitedBody) Close() error { return b.rc.Close() }

func (b *limitedBody) tooLarge() error {
	return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.max)
}
