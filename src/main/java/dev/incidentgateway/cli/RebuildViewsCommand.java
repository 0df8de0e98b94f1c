package dev.incidentgateway.cli;

import dev.incidentgateway.timeline.ViewRebuilder;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code rebuild-views}: recomputes the incidents view from the event log. */
@Command(name = "rebuild-views", description = "recompute the incidents view from the event log")
public final class RebuildViewsCommand implements StoreCommand, StoreCommand.Parsed {
    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return StoreCommandLine.run(new RebuildViewsCommand(), ctx, args, out, err);
    }

    @Override
    public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
        int n = new ViewRebuilder(ctx.dataSource(), ctx.dialect()).rebuild();
        out.printf(Locale.ROOT, "Rebuilt the view of %d incidents from the event log%n", n);
        return OK;
    }
}
