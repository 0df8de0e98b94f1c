package dev.incidentgateway.cli;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ControlChannelTest {

    @Test
    void theControlDirectoryLiesBesideAnEmbeddedH2FileOnly() {
        Path cwd = Path.of("").toAbsolutePath();
        assertThat(ControlChannel.directoryFor("jdbc:h2:file:./data/gateway;AUTO_SERVER=TRUE")).contains(cwd.resolve("data/control"));
        assertThat(ControlChannel.directoryFor("jdbc:h2:file:/var/lib/gw/gateway")).contains(Path.of("/var/lib/gw/control"));
        assertThat(ControlChannel.directoryFor("jdbc:h2:/var/lib/gw/gateway;WRITE_DELAY=0")).contains(Path.of("/var/lib/gw/control"));
        assertThat(ControlChannel.directoryFor("jdbc:h2:~/gw/gateway"))
                .contains(Path.of(System.getProperty("user.home"), "gw", "control"));
        assertThat(ControlChannel.directoryFor("jdbc:h2:mem:test")).isEmpty();
        assertThat(ControlChannel.directoryFor("jdbc:h2:tcp://localhost/~/test")).isEmpty();
        assertThat(ControlChannel.directoryFor("jdbc:postgresql://db/gateway")).isEqualTo(Optional.empty());
    }

    @Test
    void onlyRegisteredStoreCommandsRunAndTheirOutputAndExitCodeComeBack() {
        StoreCommand echo = (ctx, args, out, err) -> {
            out.print("out:" + String.join(",", args));
            err.print("err");
            return 7;
        };
        java.util.concurrent.atomic.AtomicInteger reloads = new java.util.concurrent.atomic.AtomicInteger();
        ControlChannelRoute route = new ControlChannelRoute(Path.of("unused"), Map.of("echo", echo), null, reloads::incrementAndGet);
        assertThat(route.run(new ControlChannel.Request("echo", List.of("a", "b"))))
                .isEqualTo(new ControlChannel.Response(7, "out:a,b", "err"));
        assertThat(reloads).as("the gateway's credentials are read again before the CLI gets its answer").hasValue(1);
        ControlChannel.Response unknown = route.run(new ControlChannel.Request("run", List.of()));
        assertThat(unknown.exitCode()).isEqualTo(StoreCommand.USAGE);
        assertThat(unknown.stderr()).contains("unknown store command 'run'");
    }

    /**
     * A command that ends after the command line stopped waiting (its patience, 30 s) leaves no answer behind: nobody would
     * read or delete it, and each such answer, with the command's output, stayed in the control directory for good.
     */
    @Test
    void anAnswerNobodyWaitsForAnyMoreIsNotLeftInTheControlDirectory(@TempDir Path data) throws Exception {
        Path control = ControlChannel.prepare(data.resolve("control"));
        StoreCommand echo = (ctx, args, out, err) -> {
            out.print("igw_secret");
            return 0;
        };
        ControlChannelRoute route = new ControlChannelRoute(control, Map.of("echo", echo), null, () -> { });

        Path late = control.resolve("late" + ControlChannel.REQUEST_SUFFIX);
        ControlChannel.writeAtomically(late, new ControlChannel.Request("echo", List.of()));
        Files.setLastModifiedTime(late, FileTime.from(Instant.now().minus(StoreCommand.DEFAULT_PATIENCE).minusSeconds(5)));
        route.handle(requestFile("late" + ControlChannel.REQUEST_SUFFIX));
        assertThat(control.resolve("late" + ControlChannel.RESPONSE_SUFFIX)).as("the command line gave up on it").doesNotExist();

        ControlChannel.writeAtomically(control.resolve("prompt" + ControlChannel.REQUEST_SUFFIX), new ControlChannel.Request("echo", List.of()));
        route.handle(requestFile("prompt" + ControlChannel.REQUEST_SUFFIX));
        assertThat(control.resolve("prompt" + ControlChannel.RESPONSE_SUFFIX)).as("still waited for").exists();
    }

    private static Exchange requestFile(String name) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.FILE_NAME_ONLY, name);
        return exchange;
    }
}
