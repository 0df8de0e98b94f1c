package dev.incidentgateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PromQL expression of {@code docs/prometheus-alerts.yaml} refers to: its series selectors (metric name and label
 * matchers), the labels of its {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_*} clauses and the
 * functions it calls. Written by hand because no PromQL parser for Java is on Maven Central (the Go original is
 * Prometheus' own; a port listed on mvnrepository, io.github.oatelauser:promql-core, does not resolve from Central): a
 * tokenizer over PromQL's lexical grammar that refuses any character it does not know and unbalanced brackets, with
 * the functions checked against a list. It does not check types (a range vector where an instant vector is due);
 * {@code promtool check rules} does, and was run on the file by hand.
 */
record PromqlReferences(List<Selector> selectors, Set<String> groupingLabels, Set<String> functions) {
    /** A label matcher: {@code op} is one of {@code = != =~ !~}. */
    record LabelMatcher(String op, String value) {
    }

    record Selector(String metric, Map<String, LabelMatcher> matchers) {
    }

    static final Set<String> KNOWN_FUNCTIONS = Set.of("abs", "absent", "absent_over_time", "avg", "avg_over_time", "ceil",
            "changes", "clamp_max", "clamp_min", "count", "count_over_time", "delta", "deriv", "floor", "histogram_quantile",
            "increase", "irate", "label_replace", "max", "max_over_time", "min", "min_over_time", "predict_linear", "rate",
            "resets", "round", "scalar", "sum", "sum_over_time", "time", "timestamp", "topk", "vector");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> OPERATOR_WORDS = Set.of("and", "or", "unless", "bool", "offset");
    private static final Pattern TOKEN = Pattern.compile("\\s*(?:(?<str>\"(?:[^\"\\\\]|\\\\.)*\")|(?<range>\\[[0-9]+[smhdwy]])"
            + "|(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)|(?<num>[0-9]+(?:\\.[0-9]+)?)|(?<op>=~|!~|!=|==|>=|<=|[-+*/%^<>=(){},]))");

    static PromqlReferences of(String expr) {
        List<String> tokens = tokens(expr);
        List<Selector> selectors = new ArrayList<>();
        Set<String> grouping = new LinkedHashSet<>();
        Set<String> functions = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            boolean call = next.equals("(") || next.equals("by") || next.equals("without"); // sum by (x) (…) calls sum
            if (!Character.isLetter(t.charAt(0)) && t.charAt(0) != '_' || OPERATOR_WORDS.contains(t)) {
                continue;
            }
            if (GROUPING.contains(t)) {
                for (i += 2; !tokens.get(i).equals(")"); i++) {
                    if (!tokens.get(i).equals(",")) {
                        grouping.add(tokens.get(i));
                    }
                }
            } else if (call) {
                functions.add(t);
            } else {
                Map<String, LabelMatcher> matchers = new LinkedHashMap<>();
                if (i + 1 < tokens.size() && tokens.get(i + 1).equals("{")) {
                    for (i += 2; !tokens.get(i).equals("}"); i += tokens.get(i + 3).equals(",") ? 4 : 3) {
                        String value = tokens.get(i + 2);
                        matchers.put(tokens.get(i), new LabelMatcher(tokens.get(i + 1), value.substring(1, value.length() - 1)));
                    }
                }
                selectors.add(new Selector(t, matchers));
            }
        }
        return new PromqlReferences(selectors, grouping, functions);
    }

    private static List<String> tokens(String expr) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(expr);
        int at = 0;
        int depth = 0;
        while (at < expr.length() && !expr.substring(at).isBlank()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("PromQL does not allow what follows position " + at + ": " + expr.substring(at));
            }
            String t = m.group().strip();
            depth += t.equals("(") || t.equals("{") ? 1 : t.equals(")") || t.equals("}") ? -1 : 0;
            if (depth < 0) {
                throw new IllegalArgumentException("unbalanced bracket at " + m.start() + ": " + expr);
            }
            if (m.group("range") == null) { // a range names nothing to check
                tokens.add(t);
            }
            at = m.end();
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced brackets: " + expr);
        }
        return tokens;
    }
}
