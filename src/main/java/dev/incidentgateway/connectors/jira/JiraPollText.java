package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Plain text from an Atlassian Document Format document (Jira Cloud's rich text: descriptions, comment
 * bodies): paragraphs, headings, quotes, code blocks and panels are separated by blank lines, list items
 * become "- " lines, hard breaks newlines; mentions, emoji, dates and links keep their visible text.
 * A plain string (REST v2, or a server answering text) is returned as it is.
 */
final class JiraPollText {
    private static final int MAX_TEXT = 20_000;

    private JiraPollText() {
    }

    static String of(JsonNode doc) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
            return "";
        }
        if (doc.isTextual()) {
            return cap(doc.asText().strip());
        }
        StringBuilder out = new StringBuilder();
        blocks(doc.path("content"), out, "");
        return cap(out.toString().replaceAll("\n{3,}", "\n\n").strip());
    }

    private static void blocks(JsonNode content, StringBuilder out, String indent) {
        for (JsonNode node : content) {
            String type = node.path("type").asText();
            switch (type) {
                case "bulletList", "orderedList" -> {
                    int n = node.path("attrs").path("order").asInt(1);
                    for (JsonNode item : node.path("content")) {
                        StringBuilder line = new StringBuilder();
                        blocks(item.path("content"), line, indent + "  ");
                        String marker = type.equals("bulletList") ? "- " : (n++) + ". ";
                        separate(out);
                        out.append(indent).append(marker).append(line.toString().strip()).append('\n');
                    }
                    out.append('\n');
                }
                case "rule" -> {
                    separate(out);
                    out.append("---\n\n");
                }
                case "text", "hardBreak", "mention", "emoji", "date", "inlineCard", "status" -> {
                    inline(node, out);
                }
                default -> {
                    if (node.path("content").isArray() && hasBlocks(node.path("content"))) {
                        blocks(node.path("content"), out, indent);
                    } else {
                        separate(out);
                        for (JsonNode in : node.path("content")) {
                            inline(in, out);
                        }
                        out.append("\n\n");
                    }
                }
            }
        }
    }

    private static void inline(JsonNode n, StringBuilder out) {
        JsonNode attrs = n.path("attrs");
        switch (n.path("type").asText()) {
            case "text" -> out.append(n.path("text").asText());
            case "hardBreak" -> out.append('\n');
            case "mention" -> out.append(attrs.path("text").asText("@" + attrs.path("id").asText()));
            case "emoji" -> out.append(attrs.path("text").asText(attrs.path("shortName").asText()));
            case "date" -> out.append(attrs.path("timestamp").asText());
            case "inlineCard" -> out.append(attrs.path("url").asText());
            case "status" -> out.append(attrs.path("text").asText());
            default -> n.path("content").forEach(c -> inline(c, out));
        }
    }

    private static boolean hasBlocks(JsonNode content) {
        for (JsonNode n : content) {
            if (n.path("content").isArray() || n.path("type").asText().matches("rule|mediaSingle|mediaGroup")) {
                return true;
            }
        }
        return false;
    }

    private static void separate(StringBuilder out) {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append("\n\n");
        }
    }

    private static String cap(String s) {
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
    }
}
