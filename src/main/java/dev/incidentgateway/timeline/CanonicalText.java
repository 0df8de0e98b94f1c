package dev.incidentgateway.timeline;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The text pieces of an event's canonical form, written without a JSON generator or a date formatter: a JSON string
 * exactly as Jackson's generator escapes it, and an instant exactly as {@link Instant#toString()} writes it. The single
 * writer formats every event's two instants twice (hash and, on PostgreSQL, the row) and writes a dozen strings into
 * its canonical form; through Jackson and {@code DateTimeFormatter} that was about a sixth of the PostgreSQL writer's
 * CPU samples (issue 13, JFR of bench/append.sh). Tests hold both to the libraries' output, for every character and
 * for instants of every kind.
 */
final class CanonicalText {
    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years {@link Instant#toString()} writes as four digits. */
    private static final long FIRST_FOUR_DIGIT_SECOND = -62_167_219_200L;
    private static final long FIRST_FIVE_DIGIT_SECOND = 253_402_300_800L;

    private CanonicalText() {
    }

    /**
     * Appends {@code s} as a JSON string, or {@code null}, as Jackson's default generator does: {@code "} and
     * {@code \} backslash-escaped, control characters below U+0020 as {@code \b \t \n \f \r} or as backslash,
     * {@code u00} and two upper-case hex digits; every other character (U+007F, non-ASCII, lone surrogates) as it is.
     */
    static void appendJsonString(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int plainFrom = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, plainFrom, i);
            plainFrom = i + 1;
            out.append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX_UPPER[c >> 4]).append(HEX_UPPER[c & 0xF]);
            }
        }
        out.append(s, plainFrom, s.length()).append('"');
    }

    /** {@code t.toString()}: ISO-8601 in UTC, the fraction in groups of three digits and omitted when zero. */
    static String instant(Instant t) {
        long second = t.getEpochSecond();
        if (second < FIRST_FOUR_DIGIT_SECOND || second >= FIRST_FIVE_DIGIT_SECOND) {
            return t.toString(); // signs and wider years: rare enough for the formatter
        }
        long day = Math.floorDiv(second, 86_400L);
        int secondOfDay = (int) (second - day * 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        StringBuilder out = new StringBuilder(30);
        digits(out, date.getYear(), 4).append('-');
        digits(out, date.getMonthValue(), 2).append('-');
        digits(out, date.getDayOfMonth(), 2).append('T');
        digits(out, secondOfDay / 3600, 2).append(':');
        digits(out, secondOfDay / 60 % 60, 2).append(':');
        digits(out, secondOfDay % 60, 2);
        int nano = t.getNano();
        if (nano != 0) {
            out.append('.');
            if (nano % 1_000_000 == 0) {
                digits(out, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(out, nano / 1000, 6);
            } else {
                digits(out, nano, 9);
            }
        }
        return out.append('Z').toString();
    }

    /** Appends {@code value} (not negative) zero-padded to {@code width} digits. */
    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int pad = width - text.length(); pad > 0; pad--) {
            out.append('0');
        }
        return out.append(text);
    }
}
