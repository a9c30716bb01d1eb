// Reads a .warc.gz with warcio.js (Webrecorder's reader, independent of the
// Go library that wrote it) and prints one JSON line per record: its type,
// id, byte range, and the SHA-256 of its payload as warcio decoded it, so the
// Go test can compare them with what the writer claimed.
"use strict";
const fs = require("fs");
const crypto = require("crypto");
const { WARCParser } = require("warcio");

async function main(path) {
  const parser = new WARCParser(fs.createReadStream(path));
  for await (const record of parser) {
    const payload = await record.readFully(false);
    const sum = crypto.createHash("sha256").update(payload).digest("hex");
    const out = {
      type: record.warcType,
      id: record.warcHeader("WARC-Record-ID"),
      target: record.warcTargetURI || "",
      payloadDigest: record.warcPayloadDigest || "",
      blockDigest: record.warcHeader("WARC-Block-Digest") || "",
      refersTo: record.warcHeader("WARC-Refers-To") || "",
      profile: record.warcHeader("WARC-Profile") || "",
      status: record.httpHeaders ? record.httpHeaders.statusCode : 0,
      computedSha256: "sha256:" + sum,
      payloadBytes: payload.length,
    };
    await record.skipFully();
    out.offset = parser.offset;
    out.length = parser.recordLength;
    process.stdout.write(JSON.stringify(out) + "\n");
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
