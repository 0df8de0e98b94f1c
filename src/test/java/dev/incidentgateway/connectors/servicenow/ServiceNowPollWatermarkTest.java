package dev.incidentgateway.connectors.servicenow;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The poller's watermark: format, paging by key within a pass, the overlap at the start of each pass. */
class ServiceNowPollWatermarkTest {
    private static final Duration OVERLAP = Duration.ofSeconds(120);

    private static LocalDateTime t(String s) {
        return ServiceNowPollWatermark.time(s);
    }

    @Test
    void firstSyncReadsEverythingAndPagesByTheLastRecordsTime() {
        ServiceNowPollWatermark first = ServiceNowPollWatermark.parse(null);
        assertThat(first.lowerBound(OVERLAP)).isNull();
        assertThat(first.offset()).isZero();
        assertThat(first.journalBound(OVERLAP)).isNull();

        ServiceNowPollWatermark mid = first.next(List.of(t("2026-01-01 10:00:00"), t("2026-01-01 10:00:05"),
                t("2026-01-01 10:00:05")), "s9", true, OVERLAP);
        assertThat(mid.format()).isEqualTo("2026-01-01 10:00:05|2||s9");
        assertThat(ServiceNowPollWatermark.parse(mid.format())).isEqualTo(mid);
        assertThat(mid.lowerBound(OVERLAP)).isEqualTo(t("2026-01-01 10:00:05"));
        assertThat(mid.offset()).isEqualTo(2);

        // a page entirely at the same second: the skip grows
        ServiceNowPollWatermark same = mid.next(List.of(t("2026-01-01 10:00:05"), t("2026-01-01 10:00:05")), "s9", true, OVERLAP);
        assertThat(same.format()).isEqualTo("2026-01-01 10:00:05|4||s9");
        ServiceNowPollWatermark done = same.next(List.of(t("2026-01-01 10:00:05"), t("2026-01-01 11:00:00")), "s9", false, OVERLAP);
        assertThat(done.format()).isEqualTo("2026-01-01 11:00:00");
    }

    @Test
    void theFirstSyncIsAPassFromItsWindowStartAndOtherWatermarksIgnoreTheWindow() {
        LocalDateTime start = t("2026-01-01 08:00:00");
        ServiceNowPollWatermark first = ServiceNowPollWatermark.parse(null).startingAt(() -> start);
        assertThat(first.lowerBound(OVERLAP)).isEqualTo(start);
        assertThat(first.offset()).isZero();
        assertThat(first.journalBound(OVERLAP)).as("the journal of the records read, whole").isNull();
        assertThat(first.next(List.of(), "s9", false, OVERLAP).format()).as("nothing there: caught up at the window start")
                .isEqualTo("2026-01-01 08:00:00");
        assertThat(first.next(List.of(t("2026-01-01 09:00:00")), "s9", true, OVERLAP).format()).isEqualTo("2026-01-01 09:00:00|1||s9");

        Supplier<LocalDateTime> unused = () -> {
            throw new AssertionError("only the first sync asks for its window start");
        };
        ServiceNowPollWatermark caughtUp = ServiceNowPollWatermark.parse("2025-06-01 10:00:00");
        assertThat(caughtUp.startingAt(unused)).isEqualTo(caughtUp);
        ServiceNowPollWatermark inPass = ServiceNowPollWatermark.parse("2025-06-01 10:00:05|2|");
        assertThat(inPass.startingAt(unused)).isEqualTo(inPass);
    }

    @Test
    void aCaughtUpPassStartsOverlapBehindAndNeverMovesBack() {
        ServiceNowPollWatermark caughtUp = ServiceNowPollWatermark.parse("2026-01-01 11:00:00");
        assertThat(caughtUp.lowerBound(OVERLAP)).isEqualTo(t("2026-01-01 10:58:00"));
        assertThat(caughtUp.journalBound(OVERLAP)).isEqualTo(t("2026-01-01 10:58:00"));
        assertThat(caughtUp.offset()).isZero();
        assertThat(caughtUp.next(List.of(t("2026-01-01 10:59:30")), "s9", false, OVERLAP).format()).isEqualTo("2026-01-01 11:00:00");
        assertThat(caughtUp.next(List.of(), "s9", false, OVERLAP).format()).isEqualTo("2026-01-01 11:00:00");

        ServiceNowPollWatermark full = caughtUp.next(List.of(t("2026-01-01 10:58:00"), t("2026-01-01 10:59:00")), "s9", true, OVERLAP);
        assertThat(full.format()).isEqualTo("2026-01-01 10:59:00|1|2026-01-01 10:58:00|s9");
        assertThat(full.journalBound(OVERLAP)).isEqualTo(t("2026-01-01 10:58:00"));
        assertThat(caughtUp.next(List.of(t("2026-01-01 10:58:00")), "s9", true, OVERLAP).offset()).as("skip counts from the bound").isEqualTo(1);
    }

    @Test
    void aPassKeepsItsLastRecordAsTheAnchorOfTheSkipAndCanReadTheSecondAgain() {
        ServiceNowPollWatermark mid = ServiceNowPollWatermark.parse("2026-01-01 10:00:05|2|2026-01-01 09:58:00|abc123");
        assertThat(mid.anchorToCheck()).isEqualTo("abc123");
        assertThat(mid.offset()).isEqualTo(2);
        ServiceNowPollWatermark again = mid.fromStartOfSecond();
        assertThat(again.offset()).isZero();
        assertThat(again.anchorToCheck()).isNull();
        assertThat(again.lowerBound(OVERLAP)).isEqualTo(t("2026-01-01 10:00:05"));
        assertThat(again.journalBound(OVERLAP)).as("still the same pass").isEqualTo(t("2026-01-01 09:58:00"));

        ServiceNowPollWatermark older = ServiceNowPollWatermark.parse("2026-01-01 10:00:05|2|");
        assertThat(older.offset()).as("written before anchors were kept: read on as before").isEqualTo(2);
        assertThat(older.anchorToCheck()).isNull();
        assertThat(ServiceNowPollWatermark.parse("2026-01-01 11:00:00").anchorToCheck()).isNull();
        assertThat(mid.next(List.of(t("2026-01-01 10:00:07")), "not|a sys_id", true, OVERLAP).format())
                .as("an anchor that would not read back is left out").isEqualTo("2026-01-01 10:00:07|1|2026-01-01 09:58:00");
    }

    @Test
    void anUnreadableWatermarkStartsAFirstSync() {
        assertThat(ServiceNowPollWatermark.parse("yesterday")).isEqualTo(ServiceNowPollWatermark.FIRST_SYNC);
        assertThat(ServiceNowPollWatermark.parse("2026-01-01 10:00:00|x|")).isEqualTo(ServiceNowPollWatermark.FIRST_SYNC);
        assertThat(ServiceNowPollWatermark.parse(ServiceNowPollWatermark.FIRST_SYNC.next(List.of(), "s9", false, OVERLAP).format())
                .lowerBound(OVERLAP)).isEqualTo(t("1969-12-31 23:58:00"));
    }
}
