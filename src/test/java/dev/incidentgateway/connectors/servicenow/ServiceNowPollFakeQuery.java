package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The encoded queries {@link FakeServiceNow} understands, as the Table API reads them: terms joined by
 * {@code ^} (all must hold; {@code ^^} is a literal caret), each {@code field=value}, {@code !=}, {@code >=},
 * {@code >}, {@code <=}, {@code <} (date-times {@code yyyy-MM-dd HH:mm:ss} compare as text, numbers as numbers)
 * or {@code fieldINa,b,c}; {@code ORDERBYfield} / {@code ORDERBYDESCfield} sort (several allowed, in order).
 * Anything else is refused with 400, so a poller cannot rely on what the fake does not check.
 */
final class ServiceNowPollFakeQuery {
    private static final Pattern TERM = Pattern.compile("([a-z0-9_.]+)(>=|<=|!=|=|>|<|IN)(.*)", Pattern.DOTALL);

    /** One page of a list query. */
    record Page(ArrayNode result, int total) {
    }

    private final List<Predicate<ObjectNode>> filters = new ArrayList<>();
    private Comparator<ObjectNode> order;

    private ServiceNowPollFakeQuery() {
    }

    static ServiceNowPollFakeQuery parse(String encoded) {
        ServiceNowPollFakeQuery q = new ServiceNowPollFakeQuery();
        if (encoded == null || encoded.isBlank()) {
            return q;
        }
        for (String raw : encoded.replace("^^", "\u0000").split("\\^")) {
            String term = raw.replace("\u0000", "^");
            if (term.isEmpty()) {
                continue;
            }
            if (term.startsWith("ORDERBY")) {
                boolean desc = term.startsWith("ORDERBYDESC");
                String field = term.substring(desc ? "ORDERBYDESC".length() : "ORDERBY".length());
                Comparator<ObjectNode> c = Comparator.comparing((ObjectNode r) -> r.path(field).asText(""), ServiceNowPollFakeQuery::compare);
                c = desc ? c.reversed() : c;
                q.order = q.order == null ? c : q.order.thenComparing(c);
                continue;
            }
            Matcher m = TERM.matcher(term);
            if (!m.matches() || term.startsWith("NQ") || term.startsWith("OR")) {
                throw new FakeServiceNowTable.Refused(400, "Invalid query", "term not supported by the fake: " + term);
            }
            q.filters.add(filter(m.group(1), m.group(2), m.group(3)));
        }
        return q;
    }

    private static Predicate<ObjectNode> filter(String field, String op, String value) {
        if (op.equals("IN")) {
            Set<String> values = Set.copyOf(Arrays.asList(value.split(",")));
            return r -> values.contains(r.path(field).asText(""));
        }
        return r -> {
            int c = compare(r.path(field).asText(""), value);
            return switch (op) {
                case "=" -> r.path(field).asText("").equals(value);
                case "!=" -> !r.path(field).asText("").equals(value);
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                default -> c < 0;
            };
        };
    }

    private static int compare(String a, String b) {
        if (a.matches("-?\\d{1,18}") && b.matches("-?\\d{1,18}")) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return a.compareTo(b);
    }

    /** The matching rows, sorted, from {@code offset}, at most {@code limit}, restricted to {@code fields} (all when empty). */
    Page select(Collection<ObjectNode> rows, List<String> fields, int limit, int offset) {
        List<ObjectNode> matching = rows.stream().filter(r -> filters.stream().allMatch(f -> f.test(r))).toList();
        if (order != null) {
            // Shuffled first, so rows that tie on every ORDERBY field come back in no particular order (a real instance
            // promises none): a query without a unique tie-breaker pages inconsistently here too.
            List<ObjectNode> shuffled = new java.util.ArrayList<>(matching);
            java.util.Collections.shuffle(shuffled);
            matching = shuffled.stream().sorted(order).toList();
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        matching.stream().skip(Math.max(0, offset)).limit(Math.max(0, limit))
                .forEach(r -> out.add(fields.isEmpty() ? r.deepCopy() : r.deepCopy().retain(fields)));
        return new Page(out, matching.size());
    }
}
