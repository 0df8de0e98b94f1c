package dev.incidentgateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Platform trial: {@code # HELP gateway_outbox_failures_total} was empty, as for every meter registered by a shortcut. */
class MeterDescriptionsTest {
    @Test
    void aMeterRegisteredWithoutADescriptionGetsItsHelpText() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.config().meterFilter(new MeterDescriptions());
        meters.counter("gateway.outbox.failures", "connector", "slack", "kind", "retry").increment();
        meters.gauge("gateway.http.connections", 3);

        String scrape = meters.scrape();
        assertThat(scrape).contains("# HELP gateway_outbox_failures_total Failed delivery attempts by connector and kind")
                .contains("# HELP gateway_http_connections HTTP connections open now");
        assertThat(scrape.lines().filter(l -> l.startsWith("# HELP gateway_")))
                .allSatisfy(l -> assertThat(l.split(" ", 4)).as(l).hasSize(4));
    }

    /** Every meter the code registers through a shortcut ({@code meters.counter("gateway…")}) has its text here. */
    @Test
    void everyShortcutMeterOfTheGatewayHasADescription() throws Exception {
        Pattern shortcut = Pattern.compile("meters\\.(?:counter|gauge|timer|summary)\\(\\s*(?:[A-Z_.]+\\s*\\?\\s*)?\"(gateway\\.[a-z._]+)\""
                + "(?:\\s*:\\s*\"(gateway\\.[a-z._]+)\")?");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = shortcut.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                    if (m.group(2) != null) {
                        used.add(m.group(2));
                    }
                }
            }
        }
        used.add("gateway.append.errors"); // AppendErrorReason.METER
        assertThat(used).hasSizeGreaterThan(10);
        assertThat(MeterDescriptions.BY_NAME.keySet()).containsAll(used);
    }
}
