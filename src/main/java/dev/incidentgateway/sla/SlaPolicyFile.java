package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.timeline.Severity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the SLA policy file ({@code config/sla.yaml}, or the file {@code GATEWAY_SLA_FILE} names). Every
 * problem is collected and reported at once, each naming its key ({@code severities.sev2.acknowledge}), so a bad file
 * stops the start instead of silently running without clocks.
 */
public final class SlaPolicyFile {
    /** Where the policies are looked for when no file is named: the working directory, then the copy in the jar. */
    public static final String DEFAULT_FILE = "config/sla.yaml";
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})\\s*(s|m|h|d)");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,2})\\s*%?");
    private static final Pattern HOURS = Pattern.compile("(\\d{2}:\\d{2})\\s*-\\s*(\\d{2}:\\d{2})");
    private static final Set<String> TOP_KEYS = Set.of("warningThreshold", "severities");
    private static final Set<String> SEVERITY_KEYS = Set.of("acknowledge", "mitigate", "resolve", "warningThreshold", "businessHours");
    private static final Set<String> HOURS_KEYS = Set.of("timeZone", "days", "hours");

    private final String fileName;
    private final List<String> problems = new ArrayList<>();

    private SlaPolicyFile(String fileName) {
        this.fileName = fileName;
    }

    /**
     * @param configured the file named by {@code GATEWAY_SLA_FILE} (must exist), or blank: {@code ./config/sla.yaml}
     *                   if present, else the copy shipped in the jar, else no policies
     */
    public static SlaPolicies load(String configured, String envName) {
        if (configured != null && !configured.isBlank()) {
            Path file = Path.of(configured);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(envName + ": SLA policy file not found: " + file.toAbsolutePath());
            }
            return read(file);
        }
        Path local = Path.of(DEFAULT_FILE);
        if (Files.isRegularFile(local)) {
            return read(local);
        }
        try (InputStream in = SlaPolicyFile.class.getClassLoader().getResourceAsStream(DEFAULT_FILE)) {
            return in == null ? new SlaPolicies(Map.of()) : parse(DEFAULT_FILE + " (in the jar)", dev.incidentgateway.config.ConfigYaml.READER.readTree(in));
        } catch (IOException e) {
            throw new ConfigException(DEFAULT_FILE + " (in the jar): not readable: " + e.getMessage());
        }
    }

    public static SlaPolicies read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString(), dev.incidentgateway.config.ConfigYaml.READER.readTree(in));
        } catch (IOException e) {
            throw new ConfigException(dev.incidentgateway.config.ConfigFileProblem.describe(file, e));
        }
    }

    /** Validates a parsed file; throws {@link ConfigException} naming every bad key. */
    public static SlaPolicies parse(String fileName, JsonNode root) {
        SlaPolicyFile reader = new SlaPolicyFile(fileName);
        SlaPolicies policies = reader.policies(root);
        if (!reader.problems.isEmpty()) {
            throw new ConfigException(reader.problems);
        }
        return policies;
    }

    private SlaPolicies policies(JsonNode root) {
        Map<Severity, SlaPolicy> out = new EnumMap<>(Severity.class);
        if (root == null || root.isNull() || root.isMissingNode()) {
            return new SlaPolicies(out);
        }
        if (!root.isObject()) {
            problem("", "must be a mapping with warningThreshold and severities");
            return new SlaPolicies(out);
        }
        unknownKeys("", root, TOP_KEYS);
        int defaultPercent = root.has("warningThreshold") ? percent("warningThreshold", root.get("warningThreshold")) : 80;
        JsonNode severities = root.path("severities");
        if (!severities.isMissingNode() && !severities.isNull() && !severities.isObject()) {
            problem("severities", "must be a mapping of sev1..sev4 to their targets");
            return new SlaPolicies(out);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = severities.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "severities." + e.getKey();
            Severity severity = Severity.fromWire(e.getKey()).orElse(null);
            if (severity == null) {
                problem(key, "unknown severity (expected sev1, sev2, sev3 or sev4)");
            } else if (!e.getValue().isObject()) {
                problem(key, "must be a mapping of acknowledge, mitigate, resolve, warningThreshold, businessHours");
            } else {
                out.put(severity, policy(key, e.getValue(), defaultPercent));
            }
        }
        return new SlaPolicies(out);
    }

    private SlaPolicy policy(String key, JsonNode node, int defaultPercent) {
        unknownKeys(key, node, SEVERITY_KEYS);
        Map<SlaTarget, Duration> goals = new EnumMap<>(SlaTarget.class);
        for (SlaTarget target : SlaTarget.values()) {
            JsonNode value = node.get(target.wireName());
            if (value != null && !value.isNull()) {
                Duration d = duration(key + "." + target.wireName(), value.asText());
                if (d != null) {
                    goals.put(target, d);
                }
            }
        }
        int percent = node.has("warningThreshold") ? percent(key + ".warningThreshold", node.get("warningThreshold")) : defaultPercent;
        JsonNode hours = node.get("businessHours");
        return new SlaPolicy(goals, percent, hours == null || hours.isNull() ? null : businessHours(key + ".businessHours", hours));
    }

    private BusinessHours businessHours(String key, JsonNode node) {
        if (!node.isObject()) {
            problem(key, "must be a mapping of timeZone, days, hours");
            return null;
        }
        unknownKeys(key, node, HOURS_KEYS);
        ZoneId zone = null;
        try {
            zone = ZoneId.of(node.path("timeZone").asText(""));
        } catch (DateTimeException e) {
            problem(key + ".timeZone", "must be a time zone such as Europe/Berlin or UTC, got '" + node.path("timeZone").asText("") + "'");
        }
        Set<DayOfWeek> days = days(key + ".days", node.path("days"));
        Matcher m = HOURS.matcher(node.path("hours").asText("").trim());
        LocalTime open = null;
        LocalTime close = null;
        boolean hoursOk = m.matches();
        if (hoursOk) {
            try {
                open = LocalTime.parse(m.group(1));
                close = m.group(2).equals("24:00") ? null : LocalTime.parse(m.group(2));
                hoursOk = !open.equals(close); // close before open: an overnight window into the next day
            } catch (DateTimeParseException e) {
                hoursOk = false;
            }
        }
        if (!hoursOk) {
            problem(key + ".hours", "must be HH:MM-HH:MM with different start and end (24:00 allowed; an end before the start, "
                    + "such as 22:00-06:00, runs overnight into the next day), got '"
                    + node.path("hours").asText("") + "'");
        }
        return zone == null || days == null || !hoursOk ? null : new BusinessHours(zone, days, open, close);
    }

    /** {@code [mon, tue]}, {@code mon-fri} or {@code "mon,wed,fri"}. */
    private Set<DayOfWeek> days(String key, JsonNode node) {
        List<String> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> items.add(n.asText()));
        } else {
            for (String s : node.asText("").split(",")) {
                items.add(s);
            }
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : items) {
            String[] range = item.trim().toLowerCase(Locale.ROOT).split("\\s*-\\s*");
            DayOfWeek from = day(range[0]);
            DayOfWeek to = range.length == 2 ? day(range[1]) : from;
            if (from == null || to == null || range.length > 2) {
                problem(key, "must list days such as [mon, tue] or mon-fri, got '" + item.trim() + "'");
                return null;
            }
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        if (days.isEmpty()) {
            problem(key, "must name at least one day, such as mon-fri");
            return null;
        }
        return days;
    }

    private static DayOfWeek day(String s) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (s.length() >= 3 && d.name().toLowerCase(Locale.ROOT).startsWith(s)) {
                return d;
            }
        }
        return null;
    }

    /** {@code 15m}, {@code 4h}, {@code 2d}, {@code 30s} or ISO-8601 ({@code PT15M}); must be positive. */
    private Duration duration(String key, String raw) {
        String s = raw.trim();
        Duration d = null;
        Matcher m = SHORT_DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            problem(key, "must be a positive duration such as 15m, 4h, 2d or PT15M, got '" + s + "'");
            return null;
        }
        return d;
    }

    private int percent(String key, JsonNode node) {
        Matcher m = PERCENT.matcher(node.asText("").trim());
        int v = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        if (v < 1 || v > 99) {
            problem(key, "must be a percentage between 1% and 99%, got '" + node.asText("") + "'");
            return 80;
        }
        return v;
    }

    private void unknownKeys(String prefix, JsonNode node, Set<String> allowed) {
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                problem(prefix.isEmpty() ? name : prefix + "." + name, "unknown key (expected one of " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        });
    }

    private void problem(String key, String message) {
        problems.add(fileName + ": " + (key.isEmpty() ? "" : key + ": ") + message);
    }
}
