package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SLA file: the shipped one is valid, every bad key is named. */
class SlaPolicyFileTest {
    private static SlaPolicies parse(String yaml) throws Exception {
        return SlaPolicyFile.parse("sla.yaml", new ObjectMapper(new YAMLFactory()).readTree(yaml));
    }

    @Test
    void theShippedFileIsValid() {
        SlaPolicies shipped = SlaPolicyFile.read(Path.of("config/sla.yaml"));
        assertThat(shipped.of(Severity.SEV1).orElseThrow().goals()).containsEntry(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(5));
        assertThat(shipped.of(Severity.SEV3).orElseThrow().warningPercent()).isEqualTo(75);
    }

    @Test
    void readsDurationsThresholdsAndBusinessHours() throws Exception {
        SlaPolicies p = parse("""
                warningThreshold: 70%
                severities:
                  sev2:
                    acknowledge: PT15M
                    resolve: 2d
                    businessHours: {timeZone: Europe/Berlin, days: mon-fri, hours: "09:00-17:00"}
                """);
        SlaPolicy sev2 = p.of(Severity.SEV2).orElseThrow();
        assertThat(sev2.goals()).containsEntry(SlaTarget.ACKNOWLEDGE, Duration.ofMinutes(15)).containsEntry(SlaTarget.RESOLVE, Duration.ofDays(2));
        assertThat(sev2.warningPercent()).isEqualTo(70);
        assertThat(sev2.businessHours().days()).hasSize(5).doesNotContain(DayOfWeek.SATURDAY);
        assertThat(sev2.businessHours().close()).isEqualTo(LocalTime.of(17, 0));
        assertThat(p.of(Severity.SEV1)).isEmpty();
    }

    /** A Turkish default locale lower-cases "FRIDAY" to "frıday" and "MITIGATE" to "mıtıgate" (dotless i). */
    @Test
    void readsTheSameUnderANonEnglishDefaultLocale() throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            SlaPolicy sev2 = parse("""
                    severities:
                      sev2:
                        mitigate: 1h
                        businessHours: {timeZone: UTC, days: mon-fri, hours: "09:00-17:00"}
                    """).of(Severity.SEV2).orElseThrow();
            assertThat(sev2.goals()).containsEntry(SlaTarget.MITIGATE, Duration.ofHours(1));
            assertThat(sev2.businessHours().days()).contains(DayOfWeek.FRIDAY).hasSize(5);
            assertThat(SlaTarget.MITIGATE.wireName()).isEqualTo("mitigate");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void anEndBeforeTheStartIsAnOvernightWindow() throws Exception {
        BusinessHours night = parse("""
                severities:
                  sev3:
                    acknowledge: 1h
                    businessHours: {timeZone: UTC, days: mon-fri, hours: "22:00-06:00"}
                """).of(Severity.SEV3).orElseThrow().businessHours();
        assertThat(night.overnight()).isTrue();
        assertThat(night.open()).isEqualTo(LocalTime.of(22, 0));
        assertThat(night.close()).isEqualTo(LocalTime.of(6, 0));
    }

    @Test
    void aWindowWithoutLengthIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> parse("""
                severities:
                  sev3:
                    acknowledge: 1h
                    businessHours: {timeZone: UTC, days: mon-fri, hours: "22:00-22:00"}
                """)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement()
                        .satisfies(m -> assertThat(m).contains("severities.sev3.businessHours.hours")));
    }

    @Test
    void namesEveryBadKey() {
        assertThatThrownBy(() -> parse("""
                severities:
                  sev2:
                    acknowlege: 15m
                    resolve: soon
                    warningThreshold: 120%
                    businessHours: {timeZone: Mars/Olympus, days: [mon, funday], hours: "09:00-09:00"}
                  sev9: {resolve: 1h}
                """)).isInstanceOf(ConfigException.class).satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(
                        m -> assertThat(m).contains("severities.sev2.acknowlege: unknown key"))
                .anySatisfy(m -> assertThat(m).contains("severities.sev2.resolve: must be a positive duration"))
                .anySatisfy(m -> assertThat(m).contains("severities.sev2.warningThreshold"))
                .anySatisfy(m -> assertThat(m).contains("severities.sev2.businessHours.timeZone"))
                .anySatisfy(m -> assertThat(m).contains("severities.sev2.businessHours.days"))
                .anySatisfy(m -> assertThat(m).contains("severities.sev2.businessHours.hours"))
                .anySatisfy(m -> assertThat(m).contains("severities.sev9: unknown severity")));
    }
}
