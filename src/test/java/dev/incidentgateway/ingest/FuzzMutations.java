package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.HttpApi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Mutations of a valid JSON payload, chosen by a seeded Random so a failing case can be replayed. */
final class FuzzMutations {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FuzzMutations() {
    }

    static byte[] mutate(String valid, Random random) throws Exception {
        int rounds = 1 + random.nextInt(3);
        JsonNode tree = HttpApi.JSON.readTree(valid);
        for (int i = 0; i < rounds; i++) {
            tree = treeMutation(tree, random);
        }
        byte[] bytes = HttpApi.JSON.writeValueAsBytes(tree);
        return random.nextInt(4) == 0 ? byteMutation(bytes, random) : bytes;
    }

    private static JsonNode treeMutation(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty()) {
            return strange(random);
        }
        JsonNode parent = containers.get(random.nextInt(containers.size()));
        if (parent instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(4) == 0) {
                o.remove(name);
            } else {
                o.set(name, strange(random));
            }
        } else if (parent instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextBoolean()) {
                a.add(strange(random));
            } else {
                a.set(random.nextInt(a.size()), strange(random));
            }
        }
        return random.nextInt(20) == 0 ? strange(random) : root;
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            node.forEach(child -> collect(child, into));
        }
    }

    /** A value that breaks some rule: too long, NUL, lone surrogate, odd times and numbers, wrong type, too deep. */
    static JsonNode strange(Random random) {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.textNode("x".repeat(200 + random.nextInt(2000)));
            case 1 -> NODES.textNode("a\u0000b");
            case 2 -> NODES.textNode("a\ud800b");
            case 3 -> NODES.textNode("");
            case 4 -> NODES.numberNode(random.nextLong());
            case 5 -> NODES.numberNode(Double.MAX_VALUE);
            case 6 -> NODES.nullNode();
            case 7 -> NODES.booleanNode(random.nextBoolean());
            case 8 -> NODES.arrayNode().add(1).add("x");
            case 9 -> NODES.objectNode();
            case 10 -> deep(1 + random.nextInt(120));
            case 11 -> NODES.textNode(List.of("2026-13-40T99:00:00Z", "yesterday", "0000-00-00T00:00:00Z", "+999999999-12-31T23:59:59Z",
                    "1.0", "0.9", "INC-1", "declare", "sev9", "resolved").get(random.nextInt(10)));
            case 12 -> NODES.textNode("\uD83D\uDD25 fire");
            default -> NODES.textNode(Integer.toString(random.nextInt()));
        };
    }

    private static JsonNode deep(int depth) {
        ObjectNode root = NODES.objectNode();
        ObjectNode at = root;
        for (int i = 1; i < depth; i++) {
            at = at.putObject("d");
        }
        return root;
    }

    private static byte[] byteMutation(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return "{".getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = bytes.clone();
        int at = random.nextInt(out.length);
        switch (random.nextInt(3)) {
            case 0 -> {
                return java.util.Arrays.copyOf(out, at);
            }
            case 1 -> out[at] = (byte) random.nextInt(256);
            default -> {
                byte[] longer = new byte[out.length + 1];
                System.arraycopy(out, 0, longer, 0, at);
                longer[at] = (byte) (0x80 + random.nextInt(0x80)); // a stray UTF-8 continuation byte
                System.arraycopy(out, at, longer, at + 1, out.length - at);
                return longer;
            }
        }
        return out;
    }
}
