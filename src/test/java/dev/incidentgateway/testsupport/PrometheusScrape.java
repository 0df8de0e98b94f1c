package dev.incidentgateway.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series of one {@code /metrics} answer (Prometheus text format 0.0.4): each sample line's name and labels, for tests
 * that ask which series and label values a gateway exposes. The Prometheus Java libraries on the classpath write this
 * format but do not read it, hence these few lines (the gateway's own output only: no escapes but {@code \"} and
 * {@code \\} in label values, no timestamps).
 */
public record PrometheusScrape(List<Series> series) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample line: the series name (with its {@code _bucket}, {@code _count}, {@code _total} … suffix) and labels. */
    public record Series(String name, Map<String, String> labels) {
    }

    public static PrometheusScrape parse(String text) {
        List<Series> series = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            series.add(new Series(m.group(1), labels));
        }
        return new PrometheusScrape(List.copyOf(series));
    }

    public List<Series> named(String name) {
        return series.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Every series name, sorted. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        series.forEach(s -> names.add(s.name()));
        return names;
    }
}
