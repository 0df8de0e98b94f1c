package dev.incidentgateway.lifecycle;

import dev.incidentgateway.testsupport.GatewayProcess;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a gateway process, measured: the stop tests assert the README's bound on how long it takes. */
record TimedStop(long tookMs, String log) {
    /** Sends SIGTERM, waits up to 60 s, asserts exit 0 within {@code allowedMs} (the log in the message) and prints the time. */
    static TimedStop sigterm(GatewayProcess.Launched gw, String test, int budgetS, long allowedMs) throws Exception {
        long t0 = System.nanoTime();
        gw.process().destroy(); // SIGTERM
        boolean exited = gw.process().waitFor(60, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        String log = Files.readString(gw.log());
        System.out.printf("%s: the stop took %d ms (budget %d s)%n", test, tookMs, budgetS);
        assertThat(exited).as("exited within 60 s; log:%n%s", log).isTrue();
        assertThat(gw.process().exitValue()).as("exit status; log:%n%s", log).isZero();
        assertThat(tookMs).as("the stop took %d ms with a %d s budget; log:%n%s", tookMs, budgetS, log).isLessThanOrEqualTo(allowedMs);
        return new TimedStop(tookMs, log);
    }
}
