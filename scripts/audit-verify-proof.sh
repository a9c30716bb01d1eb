#!/usr/bin/env bash
# Checks a factdesk page proof with nothing but jq, xxd, sha256sum, base64
# and openssl: the checkpoint's Ed25519 signature, each entry's hash, and
# each entry's inclusion in the signed Merkle tree. docs/audit.md explains
# every step.
#
#   curl -s https://desk.example/factchecks/42-the-bridge/proof.json > proof.json
#   curl -s https://desk.example/.well-known/factdesk/checkpoint-key > key.txt   # better: a copy you kept
#   scripts/audit-verify-proof.sh proof.json key.txt
set -euo pipefail
proof=$1 key=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sha() { sha256sum | cut -c1-64; }                                  # hex SHA-256 of stdin
node() { printf '01%s%s' "$1" "$2" | xxd -r -p | sha; }            # RFC 6962 interior node
leaf() { printf '00%s' "$1" | xxd -r -p | sha; }                   # RFC 6962 leaf

# 1. The checkpoint: three body lines, a blank line, signature lines.
jq -j .checkpoint "$proof" > "$work/note"
head -n 3 "$work/note" > "$work/body"
origin=$(sed -n 1p "$work/body")
size=$(sed -n 2p "$work/body")
root=$(sed -n 3p "$work/body" | base64 -d | xxd -p -c 64)

# 2. The key: name+id+base64(0x01 || 32-byte Ed25519 key).
IFS=+ read -r name keyid keyb64 < "$key"
[ "$name" = "$origin" ] || { echo "FAILED: key $name is not the key of log $origin"; exit 1; }
base64 -d <<< "$keyb64" | tail -c 32 > "$work/pub.raw"
# An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte DER prefix and the key.
{ printf '302a300506032b6570032100' | xxd -r -p; cat "$work/pub.raw"; } > "$work/pub.der"

# 3. The signature line by that key: base64(4-byte key id || 64-byte signature).
sig=$(grep "^— $name " "$work/note" | head -n 1 | cut -d' ' -f3)
base64 -d <<< "$sig" > "$work/sig.blob"
[ "$(head -c 4 "$work/sig.blob" | xxd -p)" = "$keyid" ] || { echo "FAILED: no signature by key $keyid"; exit 1; }
tail -c 64 "$work/sig.blob" > "$work/sig"
openssl pkeyutl -verify -pubin -keyform DER -inkey "$work/pub.der" -rawin -in "$work/body" -sigfile "$work/sig" > /dev/null ||
	{ echo "FAILED: the checkpoint's signature does not verify"; exit 1; }
echo "checkpoint of $origin: $size entries, root $root, signature OK"

# 4. Each entry: its canonical bytes hash to its hash, and its audit path
#    leads from its leaf to the signed root (RFC 9162 section 2.1.3.2).
n=$(jq '.entries | length' "$proof")
for ((i = 0; i < n; i++)); do
	hash=$(jq -r ".entries[$i].hash" "$proof")
	index=$(jq -r ".entries[$i].log_index" "$proof")
	[ "$(jq -j ".entries[$i].canonical" "$proof" | sha)" = "$hash" ] ||
		{ echo "FAILED: entry $index: its canonical bytes do not hash to $hash"; exit 1; }
	r=$(leaf "$hash") fn=$index sn=$((size - 1))
	for p in $(jq -r ".entries[$i].inclusion[]" "$proof"); do
		[ "$sn" -gt 0 ] || { echo "FAILED: entry $index: the path is too long"; exit 1; }
		if ((fn & 1)) || ((fn == sn)); then
			r=$(node "$p" "$r")
			while ! ((fn & 1)) && ((fn != 0)); do fn=$((fn >> 1)) sn=$((sn >> 1)); done
		else
			r=$(node "$r" "$p")
		fi
		fn=$((fn >> 1)) sn=$((sn >> 1))
	done
	[ "$sn" -eq 0 ] && [ "$r" = "$root" ] || { echo "FAILED: entry $index is not in the signed tree"; exit 1; }
	jq -j ".entries[$i].canonical" "$proof" | jq -r --arg i "$index" '"entry \($i) OK: claim \(.claim_id) \(.action) \(.verdict) at \(.at)"'
done
