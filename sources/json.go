package sources

import (
	"encoding/json"
	"fmt"
)

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sources: marshal details: %v", err))
	}
	return b
}
