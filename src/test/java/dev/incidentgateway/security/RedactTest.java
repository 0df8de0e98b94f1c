package dev.incidentgateway.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://db:5432/gw?user=app&password=s3cret&ssl=true | jdbc:postgresql://db:5432/gw?user=app&password=****&ssl=true",
            "jdbc:postgresql://db/gw?password=s3cret                       | jdbc:postgresql://db/gw?password=****",
            "jdbc:h2:file:./data/gw;USER=sa;PASSWORD=s3cret;MODE=x          | jdbc:h2:file:./data/gw;USER=sa;PASSWORD=****;MODE=x",
            "jdbc:postgresql://app:s3cret@db:5432/gw                        | jdbc:postgresql://app:****@db:5432/gw",
            "https://bot:s3cret@hooks.example.com/x?token=s3cret            | https://bot:****@hooks.example.com/x?token=****",
            "jdbc:postgresql://db:5432/gw?user=app                          | jdbc:postgresql://db:5432/gw?user=app",
            "jdbc:h2:file:./data/gateway                                    | jdbc:h2:file:./data/gateway"})
    void urlMasksPasswordsAndUserinfo(String url, String expected) {
        assertThat(Redact.url(url)).isEqualTo(expected).doesNotContain("s3cret");
    }

    @Test
    void userinfoADriverQuotesWithoutItsSchemeIsMasked() {
        // PgJDBC takes no userinfo in its URL: it reports the whole "user:password@host" as an unknown host.
        assertThat(Redact.text("gateway-store - Connection is not available (gateway_app:SekretInUrl1@127.0.0.1)"))
                .isEqualTo("gateway-store - Connection is not available (gateway_app:****@127.0.0.1)");
        assertThat(Redact.text("UnknownHostException: u:p@ss@db.example")).doesNotContain("p@ss");
        assertThat(Redact.text("at 10:30 on host db-1, port 5432: refused")).isEqualTo("at 10:30 on host db-1, port 5432: refused");
    }

    /** A target (a YAML route's chat channel, a proxy) that echoes the Authorization header its secret arrived in. */
    @Test
    void anEchoedAuthorizationCredentialIsMasked() {
        assertThat(Redact.text("invalid_auth Bearer xoxb-1234-SECRET-abc")).isEqualTo("invalid_auth Bearer ****");
        assertThat(Redact.text("got header authorization: basic dXNlcjpwYXNzd29yZA==")).isEqualTo("got header authorization: basic ****");
        assertThat(Redact.text("Bearer ***")).as("masked already").isEqualTo("Bearer ***");
        assertThat(Redact.text("a bearer of bad news")).as("a word, not a credential").isEqualTo("a bearer of bad news");
    }

    @Test
    void postgresRowValuesAreDropped() {
        String pg = "ERROR: duplicate key value violates unique constraint \"uq_timeline_ce\"\n"
                + "  Detail: Key (ce_source, ce_id)=(/webhooks/x, customer-ssn-123) already exists.";
        assertThat(Redact.text(pg)).contains("uq_timeline_ce").contains("Key (ce_source, ce_id)=(…)").doesNotContain("customer-ssn-123");
        String check = "ERROR: new row for relation \"timeline_events\" violates check constraint \"ck_timeline_seq\"\n"
                + "  Detail: Failing row contains (01J, INC-1, 0, note, alice, secret title).";
        assertThat(Redact.text(check)).contains("ck_timeline_seq").doesNotContain("secret title");
    }

    @Test
    void h2RowValuesAreDropped() {
        String h2 = "Unique index or primary key violation: \"PUBLIC.UQ_TIMELINE_CE_INDEX_A ON PUBLIC.TIMELINE_EVENTS(CE_SOURCE, CE_ID) "
                + "VALUES ( /* 3 */ '/api/v1', 'private-id' )\"; SQL statement:\nINSERT INTO timeline_events VALUES (?, ?)";
        assertThat(Redact.text(h2)).contains("UQ_TIMELINE_CE").doesNotContain("private-id");
        String tooLong = "Value too long for column \"TITLE CHARACTER VARYING(10)\": \"'my very private title' (21)\"";
        assertThat(Redact.text(tooLong)).contains("TITLE").contains("(21)").doesNotContain("private");
    }

    @Test
    void longMessagesAreCutAndSayHowMuchWasLeftOut() {
        String payload = "x".repeat(5000);
        String cut = Redact.text("bad body: " + payload);
        assertThat(cut).hasSizeLessThan(Redact.MAX_CHARS + 40).endsWith("more chars)");
        assertThat(Redact.cut("short", 10)).isEqualTo("short");
    }

    @Test
    void errorNamesTheClassAndRedactsTheMessage() {
        assertThat(Redact.error(new IllegalStateException("connect to jdbc:postgresql://u:pw1@h/db failed")))
                .isEqualTo("IllegalStateException: connect to jdbc:postgresql://u:****@h/db failed");
        assertThat(Redact.error(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void withoutReplacesASecretWhereverItIs() {
        assertThat(Redact.without("dir=/srv/hunter2/routes", "hunter2")).isEqualTo("dir=/srv/****/routes");
        assertThat(Redact.without("unchanged", "")).isEqualTo("unchanged");
    }
}
