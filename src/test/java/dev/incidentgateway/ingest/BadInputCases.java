package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.ingest.BadInputContract.Case;
import dev.incidentgateway.testsupport.HttpApi;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The rows of {@link BadInputContract}; each is one rule of a spec or of EventLimits, broken once. */
final class BadInputCases {
    private static final String CE = "/webhooks/cloudevents";
    private static final String[] REQUIRED = {"specversion", "id", "source", "type"};
    /** JSON values of the wrong type for a string attribute. */
    private static final String[] NOT_STRINGS = {"1", "true", "{}", "[]"};
    /** Not RFC 3339 timestamps (section "time" of the spec refers to RFC 3339). */
    private static final String[] BAD_TIMES = {"", "yesterday", "2026-11-30", "2026-11-30T10:00:00", "2026-13-01T10:00:00Z",
            "2026-11-31T10:00:00Z", "2026-11-30T25:00:00Z", "2026-11-30 10:00:00Z", "30/11/2026 10:00", "1764496800"};

    private BadInputCases() {
    }

    static void cloudEvents(List<Case> rows, String[] auth) {
        for (String name : REQUIRED) {
            ObjectNode missing = valid();
            missing.remove(name);
            rows.add(structured("missing " + name, missing, auth, name));
            rows.add(batch("batch item missing " + name, "[" + valid() + "," + missing + "]", auth, "[1]." + name));
            ObjectNode empty = valid();
            empty.put(name, "");
            rows.add(structured("empty " + name, empty, auth, name));
            for (String wrong : NOT_STRINGS) {
                ObjectNode typed = valid();
                typed.set(name, read(wrong));
                rows.add(structured(name + " of type " + wrong, typed, auth, name));
            }
        }
        for (String v : new String[]{"0.9", "0.3", "1", "2.0", "1.0 "}) {
            ObjectNode spec = valid();
            spec.put("specversion", v);
            rows.add(structured("specversion '" + v + "'", spec, auth, "specversion"));
        }
        for (String t : BAD_TIMES) {
            ObjectNode time = valid();
            time.put("time", t);
            rows.add(structured("time '" + t + "'", time, auth, "time"));
        }
        // Well-formed but out of range: a placeholder before 1970, a far future (beyond what PostgreSQL stores).
        for (String t : new String[]{"1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "3026-11-30T10:00:00Z", "+99999-01-01T00:00:00Z"}) {
            ObjectNode time = valid();
            time.put("time", t);
            rows.add(structured("time out of range '" + t + "'", time, auth, "time"));
        }
        ObjectNode numericTime = valid();
        numericTime.put("time", 1764496800);
        rows.add(structured("numeric time", numericTime, auth, "time"));
        for (String b64 : new String[]{"!!!not base64", "abc", "ab=c"}) {
            ObjectNode bad = valid();
            bad.remove("data");
            bad.put("data_base64", b64);
            rows.add(structured("data_base64 '" + b64 + "'", bad, auth, "data_base64"));
        }
        ObjectNode numericB64 = valid();
        numericB64.remove("data");
        numericB64.put("data_base64", 12);
        rows.add(structured("numeric data_base64", numericB64, auth, "data_base64"));
        ObjectNode both = valid();
        both.put("data_base64", "e30=");
        rows.add(structured("data and data_base64", both, auth, "data_base64"));
        for (String body : new String[]{"[]", "123", "{}", "null", "\"event\"", "", "{", "{\"a\":1} {}"}) {
            rows.add(row("structured body " + (body.isEmpty() ? "(empty)" : body), STRUCTURED_TYPE, body, auth, 400,
                    body.equals("{}") ? "specversion" : "body"));
        }
        for (String[] b : new String[][]{{"[1]", "[0]"}, {"[{}]", "[0].specversion"}, {"[null]", "[0]"}, {"{}", "body"},
                {"123", "body"}, {"", "body"}, {"[", "body"}, {"[" + valid() + ",\"x\"]", "[1]"},
                {"[" + valid() + ",[]]", "[1]"}}) {
            rows.add(batch("batch " + b[0], b[0], auth, b[1]));
        }
        binary(rows, auth);
        limits(rows, auth);
    }

    private static void binary(List<Case> rows, String[] auth) {
        String[][] bad = {
                {"binary specversion 0.9", "specversion", "0.9"},
                {"binary empty id", "id", ""},
                {"binary empty source", "source", ""},
                {"binary empty type", "type", ""},
                {"binary bad time", "time", "yesterday"},
                {"binary time without offset", "time", "2026-11-30T10:00:00"}};
        for (String[] b : bad) {
            rows.add(new Case(b[0], CE, "application/json", "{\"title\":\"t\",\"actor\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                    binaryHeaders(auth, b[1], b[2]), 400, b[1]));
        }
        for (String name : new String[]{"id", "source", "type"}) {
            rows.add(new Case("binary missing " + name, CE, "application/json",
                    "{\"title\":\"t\",\"actor\":\"a\"}".getBytes(StandardCharsets.UTF_8), binaryHeaders(auth, name, null), 400, name));
        }
        rows.add(new Case("binary data with overlong UTF-8", CE, "application/json",
                withBytes("{\"title\":\"t%s\",\"actor\":\"a\"}", "C0AF"), binaryHeaders(auth, "id", "bin-overlong"), 400, "data"));
        String[] idTwice = java.util.stream.Stream.concat(java.util.Arrays.stream(binaryHeaders(auth, "id", "bin-twice-1")),
                java.util.stream.Stream.of("ce-id", "bin-twice-2")).toArray(String[]::new);
        rows.add(new Case("binary ce-id given twice", CE, "application/json",
                "{\"title\":\"t\",\"actor\":\"a\"}".getBytes(StandardCharsets.UTF_8), idTwice, 400, "ce-id"));
        rows.add(new Case("binary data not JSON", CE, "application/json", "{".getBytes(StandardCharsets.UTF_8),
                binaryHeaders(auth, "id", "bin-1"), 400, "data"));
    }

    /** EventLimits, reached through CloudEvents attributes and data. */
    private static void limits(List<Case> rows, String[] auth) {
        ObjectNode longId = valid();
        longId.put("id", "i".repeat(257));
        rows.add(structured("id over 256", longId, auth, "id"));
        rows.add(batch("batch item id over 256", "[" + valid() + "," + longId + "]", auth, "[1].id"));
        ObjectNode longType = valid();
        longType.put("type", "t".repeat(250) + ".incident.declare");
        rows.add(structured("type over 256", longType, auth, "type"));
        ObjectNode longSource = valid();
        longSource.put("source", "urn:" + "s".repeat(600));
        rows.add(structured("source over 512", longSource, auth, "source"));
        ObjectNode longTitle = valid();
        ((ObjectNode) longTitle.get("data")).put("title", "t".repeat(1025));
        rows.add(structured("title over 1024", longTitle, auth, "data.title"));
        rows.add(batch("batch item title over 1024", "[" + valid() + "," + longTitle + "]", auth, "[1].data.title"));
        ObjectNode longActor = valid();
        ((ObjectNode) longActor.get("data")).put("actor", "a".repeat(257));
        rows.add(structured("actor over 256", longActor, auth, "data.actor"));
        ObjectNode longKey = valid();
        ((ObjectNode) longKey.get("data")).put("correlationKey", "k".repeat(513));
        rows.add(structured("correlationKey over 512", longKey, auth, "data.correlationKey"));
        // A declare's incident has last seq 0: an expectedSeq read leniently as 0 ("0", "abc") was stored, not refused.
        for (String seq : new String[]{"\"0\"", "\"abc\"", "true", "-1"}) {
            ObjectNode badSeq = valid();
            ((ObjectNode) badSeq.get("data")).set("expectedSeq", read(seq));
            rows.add(structured("data.expectedSeq " + seq, badSeq, auth, "data.expectedSeq"));
        }
        ObjectNode untitled = valid();
        ((ObjectNode) untitled.get("data")).remove("title");
        rows.add(structured("declare without a title", untitled, auth, "data.title"));
        ObjectNode nul = valid();
        ((ObjectNode) nul.get("data")).put("title", "a\u0000b");
        rows.add(structured("NUL in title", nul, auth, "data.title"));
        ObjectNode nulData = valid();
        ((ObjectNode) nulData.get("data")).putObject("data").put("note", "x\u0000");
        rows.add(structured("NUL in data", nulData, auth, "data.data.note"));
        // JSON can carry a lone surrogate only as an escape; a Java string would be sent as '?'
        rows.add(structured("lone surrogate in title", valid().toString().replace("\"Valid\"", "\"a\\ud800b\""), auth, "data.title"));
        rows.add(new Case("overlong UTF-8 in id", CE, STRUCTURED_TYPE, withBytes(valid().toString().replace("\"ok-1\"", "\"ok%s\""),
                "E080AF"), auth, 400, "body"));
        rows.add(structured("data nested 100 deep", "{\"specversion\":\"1.0\",\"id\":\"deep\",\"source\":\"urn:fuzz\","
                + "\"type\":\"com.example.incident.declare\",\"data\":{\"title\":\"t\",\"actor\":\"a\",\"data\":"
                + nested(100) + "}}", auth, "body"));
    }

    static void rest(List<Case> rows) {
        rows.add(rest("REST title over 1024", HttpApi.obj("title", "t".repeat(1025), "actor", "a").toString(), "title"));
        rows.add(rest("REST actor over 256", HttpApi.obj("title", "t", "actor", "a".repeat(257)).toString(), "actor"));
        rows.add(rest("REST id over 64", HttpApi.obj("id", "INC-" + "1".repeat(70), "title", "t", "actor", "a").toString(), "id"));
        rows.add(rest("REST NUL in title", HttpApi.obj("title", "a\u0000b", "actor", "a").toString(), "title"));
        rows.add(rest("REST NUL in actor", HttpApi.obj("title", "t", "actor", "\u0000").toString(), "actor"));
        ObjectNode nulKey = HttpApi.obj("title", "t", "actor", "a");
        nulKey.putObject("data").put("k\u0000", "v");
        rows.add(rest("REST NUL in a data key", nulKey.toString(), "data"));
        rows.add(rest("REST lone surrogate", "{\"title\":\"\\udc00\",\"actor\":\"a\"}", "title"));
        rows.add(new Case("REST invalid UTF-8", "/api/v1/incidents", "application/json",
                new byte[]{'{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, new String[0], 400, "body"));
        // Not well-formed UTF-8 that a lenient decoder still turns into characters: overlong forms of '/' (2, 3 and 4
        // bytes), an encoded surrogate, a code point past U+10FFFF; in a string, in a key and in content.
        for (String bytes : new String[]{"C0AF", "E080AF", "F08080AF", "EDA080", "F4908080"}) {
            rows.add(new Case("REST malformed UTF-8 " + bytes + " in title", "/api/v1/incidents", "application/json",
                    withBytes("{\"title\":\"t%s\",\"actor\":\"a\"}", bytes), new String[0], 400, "body"));
        }
        rows.add(new Case("REST overlong UTF-8 in a data key", "/api/v1/incidents", "application/json",
                withBytes("{\"title\":\"t\",\"actor\":\"a\",\"data\":{\"k%s\":1}}", "C0AF"), new String[0], 400, "body"));
        rows.add(new Case("REST overlong line feed in content", "/api/v1/incidents", "application/json",
                withBytes("{\"title\":\"t\",\"actor\":\"a\",\"content\":\"x%sy\"}", "C08A"), new String[0], 400, "body"));
        rows.add(rest("REST nested 1000 deep", "{\"title\":\"t\",\"actor\":\"a\",\"data\":" + nested(1000) + "}", "body"));
        rows.add(rest("REST data nested 65 deep", "{\"title\":\"t\",\"actor\":\"a\",\"data\":" + nested(65) + "}", "body"));
        rows.add(rest("REST number beyond double in data", "{\"title\":\"t\",\"actor\":\"a\",\"data\":{\"n\":[1,-1e999999]}}",
                "data.n[1]"));
    }

    static void alertmanager(List<Case> rows, String[] auth) {
        String body = WebhookIngestGateway.alertmanager("firing", "fp-long-" + System.nanoTime(), "2026-11-30T10:00:00Z",
                "0001-01-01T00:00:00Z").replace("\"alertname\":\"HighLatency\",\"severity\"",
                "\"alertname\":\"" + "L".repeat(1100) + "\",\"severity\"");
        rows.add(new Case("Alertmanager alertname makes a title over 1024", "/webhooks/alertmanager", "application/json",
                body.getBytes(StandardCharsets.UTF_8), auth, 400, "alerts[0].labels.alertname"));
        String longFingerprint = WebhookIngestGateway.alertmanager("firing", "f".repeat(600), "2026-11-30T10:00:00Z",
                "0001-01-01T00:00:00Z");
        rows.add(new Case("Alertmanager fingerprint over the id limit", "/webhooks/alertmanager", "application/json",
                longFingerprint.getBytes(StandardCharsets.UTF_8), auth, 400, "alerts[0].fingerprint"));
        String nul = WebhookIngestGateway.alertmanager("firing", "fp-nul-" + System.nanoTime(), "2026-11-30T10:00:00Z",
                "0001-01-01T00:00:00Z").replace("p99 above 2s", "p99\\u0000");
        rows.add(new Case("Alertmanager NUL in summary", "/webhooks/alertmanager", "application/json",
                nul.getBytes(StandardCharsets.UTF_8), auth, 400, "alerts[0].annotations.summary"));
        String future = WebhookIngestGateway.alertmanager("firing", "fp-future-" + System.nanoTime(), "3026-11-30T10:00:00Z",
                "0001-01-01T00:00:00Z");
        rows.add(new Case("Alertmanager startsAt a thousand years ahead", "/webhooks/alertmanager", "application/json",
                future.getBytes(StandardCharsets.UTF_8), auth, 400, "alerts[0].startsAt"));
        String overlong = WebhookIngestGateway.alertmanager("firing", "fp-overlong-%s", "2026-11-30T10:00:00Z",
                "0001-01-01T00:00:00Z");
        rows.add(new Case("Alertmanager overlong UTF-8 in fingerprint", "/webhooks/alertmanager", "application/json",
                withBytes(overlong, "C0AF"), auth, 400, "body"));
        String labelsAsText = "{\"alerts\":[{\"status\":\"firing\",\"fingerprint\":\"fp-labels-" + System.nanoTime()
                + "\",\"startsAt\":\"2026-11-30T10:00:00Z\",\"labels\":\"severity=critical\"}]}";
        rows.add(new Case("Alertmanager labels not an object", "/webhooks/alertmanager", "application/json",
                labelsAsText.getBytes(StandardCharsets.UTF_8), auth, 400, "alerts[0].labels"));
    }

    private static final String STRUCTURED_TYPE = BadInputContract.STRUCTURED;

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static ObjectNode valid() {
        return (ObjectNode) read(BadInputContract.VALID);
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return HttpApi.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code template} as UTF-8 with its {@code %s} replaced by the raw bytes {@code hex} (which no Java string holds). */
    private static byte[] withBytes(String template, String hex) {
        String[] parts = template.split("%s", -1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
        out.writeBytes(java.util.HexFormat.of().parseHex(hex));
        out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String[] binaryHeaders(String[] auth, String name, String value) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", "bin-" + System.nanoTime());
        h.put("ce-source", "urn:fuzz");
        h.put("ce-type", "com.example.incident.declare");
        if (value == null) {
            h.remove("ce-" + name);
        } else {
            h.put("ce-" + name, value);
        }
        List<String> pairs = new java.util.ArrayList<>(List.of(auth));
        h.forEach((k, v) -> {
            pairs.add(k);
            pairs.add(v);
        });
        return pairs.toArray(String[]::new);
    }

    private static Case structured(String name, Object event, String[] auth, String field) {
        return row(name, STRUCTURED_TYPE, event.toString(), auth, 400, field);
    }

    private static Case batch(String name, String body, String[] auth, String field) {
        return row(name, BadInputContract.BATCH, body, auth, 400, field);
    }

    private static Case rest(String name, String body, String field) {
        return new Case(name, "/api/v1/incidents", "application/json", body.getBytes(StandardCharsets.UTF_8), new String[0], 400, field);
    }

    private static Case row(String name, String type, String body, String[] auth, int status, String field) {
        return new Case(name, CE, type, body.getBytes(StandardCharsets.UTF_8), auth, status, field);
    }
}
