import assert from "assert";
import { createHmac } from "crypto";
import { decode, DELIMITER, encode, makeMessage, Signer, SignatureError } from "../../kernel/wire";

const KEY = "0123-secret";

function frames(signature: string, parts: object[], idents = [Buffer.from("client")]): Buffer[] {
  return [...idents, DELIMITER, Buffer.from(signature), ...parts.map((p) => Buffer.from(JSON.stringify(p)))];
}

describe("kernel wire signing", () => {
  const header = { msg_id: "1", session: "s", username: "u", date: "", msg_type: "execute_request", version: "5.3" };
  const parts = [header, {}, {}, { code: "1" }];

  it("signs with HMAC-SHA256 over header, parent, metadata, content", () => {
    const signer = new Signer(KEY);
    const hmac = createHmac("sha256", KEY);
    for (const p of parts) hmac.update(JSON.stringify(p));
    assert.strictEqual(signer.sign(parts.map((p) => JSON.stringify(p))), hmac.digest("hex"));
  });

  it("round-trips encode/decode with identities and buffers", () => {
    const signer = new Signer(KEY);
    const msg = makeMessage("stream", { name: "stdout", text: "hi" }, undefined, "sess", [Buffer.from("id")], {}, [
      Buffer.from([1, 2]),
    ]);
    const back = decode(encode(msg, signer), signer);
    assert.deepStrictEqual(back.content, { name: "stdout", text: "hi" });
    assert.deepStrictEqual(back.idents, [Buffer.from("id")]);
    assert.deepStrictEqual(back.buffers, [Buffer.from([1, 2])]);
    assert.strictEqual(back.header.msg_type, "stream");
  });

  it("rejects a wrong signature and an unsigned message", () => {
    const signer = new Signer(KEY);
    const good = signer.sign(parts.map((p) => JSON.stringify(p)));
    assert.doesNotThrow(() => decode(frames(good, parts), signer));
    assert.throws(
      () => decode(frames(new Signer("other").sign(parts.map((p) => JSON.stringify(p))), parts), signer),
      SignatureError,
    );
    assert.throws(() => decode(frames("", parts), signer), /unsigned/);
    const tampered = [header, {}, {}, { code: "2" }];
    assert.throws(() => decode(frames(good, tampered), signer), SignatureError);
  });

  it("accepts anything when the key is empty (signing disabled)", () => {
    const signer = new Signer("");
    assert.strictEqual(signer.sign(["x"]), "");
    assert.doesNotThrow(() => decode(frames("", parts), signer));
  });

  it("replies carry the parent header and its identities", () => {
    const signer = new Signer(KEY);
    const req = decode(frames(new Signer(KEY).sign(parts.map((p) => JSON.stringify(p))), parts), signer);
    const rep = makeMessage("execute_reply", { status: "ok" }, req, "kernel-session");
    assert.deepStrictEqual(rep.parent_header, header);
    assert.deepStrictEqual(rep.idents, [Buffer.from("client")]);
    assert.strictEqual(rep.header.session, "kernel-session");
  });
});
