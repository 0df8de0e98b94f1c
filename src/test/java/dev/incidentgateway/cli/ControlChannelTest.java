package dev.incidentgateway.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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
}
