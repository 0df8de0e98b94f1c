package dev.incidentgateway;

import dev.incidentgateway.testsupport.PrometheusScrape;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a PromQL expression we ship (an alert rule, a dashboard panel) names that a gateway's {@code /metrics} does not
 * expose: a metric, a label, a label value of an {@code =} or of an {@code =~"a|b"} matcher, a grouping label. Such an
 * expression is silently empty in Prometheus and Grafana; only a check against the real exposition notices.
 */
final class ExposedMetrics {
    /** Labels Prometheus adds to every scraped series. */
    static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    private static final Pattern SIMPLE_ALTERNATIVES = Pattern.compile("[a-zA-Z0-9_-]+(\\|[a-zA-Z0-9_-]+)*");

    /** @param labels every label the expression's series have (target labels included) */
    record Check(List<String> problems, Set<String> labels) {
    }

    private ExposedMetrics() {
    }

    static Check check(String name, String expr, PrometheusScrape scrape) {
        PromqlReferences refs = PromqlReferences.of(expr);
        List<String> problems = new ArrayList<>();
        Set<String> labels = new HashSet<>(TARGET_LABELS);
        for (PromqlReferences.Selector selector : refs.selectors()) {
            List<PrometheusScrape.Series> series = scrape.named(selector.metric());
            if (series.isEmpty()) {
                problems.add(name + ": no series " + selector.metric() + " in /metrics");
                continue;
            }
            series.forEach(s -> labels.addAll(s.labels().keySet()));
            selector.matchers().forEach((label, matcher) -> {
                Set<String> values = new HashSet<>();
                series.forEach(s -> values.add(s.labels().get(label)));
                values.remove(null);
                if (values.isEmpty()) {
                    problems.add(name + ": " + selector.metric() + " has no label " + label);
                } else if (matcher.op().equals("=") && !values.contains(matcher.value())) {
                    problems.add(name + ": " + selector.metric() + " has no series with " + label + "=" + matcher.value() + " " + values);
                } else if (matcher.op().equals("=~") && SIMPLE_ALTERNATIVES.matcher(matcher.value()).matches()) {
                    for (String alternative : matcher.value().split("\\|")) { // each alternative of a|b|c is a value
                        if (!values.contains(alternative)) {
                            problems.add(name + ": " + selector.metric() + " has no series with " + label + "=" + alternative);
                        }
                    }
                }
            });
        }
        for (String label : refs.groupingLabels()) {
            if (!labels.contains(label)) {
                problems.add(name + ": groups by " + label + ", which none of its series has");
            }
        }
        return new Check(problems, labels);
    }
}
