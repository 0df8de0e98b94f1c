package dev.incidentgateway.lifecycle;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to the real process while a YAML target (the shipped chat-webhook route) is in a call that never answers: the
 * connection is taken, no byte comes back. The stop still ends within GATEWAY_SHUTDOWN_TIMEOUT_S + 4 s, as the README
 * promises. It took twice the budget: the deliveries were waited for the whole budget, then Camel Main stopped the
 * routes with its own shutdown timeout, the whole budget again, since the route still held the call's exchange.
 */
class HungTargetShutdownIT {
    private static final int BUDGET_S = 8;
    /** The README's budget + 4 s, with 1 s to spare for the signal and a loaded machine; it took about 2 × budget + 1 s. */
    private static final long ALLOWED_MS = (BUDGET_S + 5) * 1000L;

    @Test
    void sigtermWhileAYamlTargetNeverAnswersStopsWithinTheBudgetAndExitsZero(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        List<Socket> taken = new CopyOnWriteArrayList<>();
        try (ServerSocket deaf = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        taken.add(deaf.accept()); // held open, never answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, String> env = Map.of(
                    "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()),
                    "GATEWAY_SHUTDOWN_TIMEOUT_S", Integer.toString(BUDGET_S),
                    "CHAT_WEBHOOK_URL", "http://127.0.0.1:" + deaf.getLocalPort() + "/hooks/x");
            String key = jar.createApiKey(dir, env, "hung", "read,write");
            GatewayProcess.Launched gw = jar.start(dir, env);
            try {
                jar.awaitHealthy(gw);
                HttpApi api = new HttpApi(gw.port(), key);
                assertThat(api.postJson("/api/v1/incidents", obj("title", "t", "actor", "a", "severity", "sev2")).status()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(30)).until(() -> !taken.isEmpty()); // the delivery's call is under way

                String log = TimedStop.sigterm(gw, "HungTargetShutdownIT", BUDGET_S, ALLOWED_MS).log();
                assertThat(log).contains("Deliveries of 1 connector(s) still running").contains("Stopped: the store is closed");
            } finally {
                GatewayProcess.stop(gw.process());
                for (Socket s : taken) {
                    s.close();
                }
            }
        }
    }
}
