package dev.incidentgateway.cli;

import dev.incidentgateway.timeline.ChainVerifier;

import java.io.PrintStream;
import java.util.List;

/** {@code verify}: checks every incident's audit chain; exit 1 at a broken link. */
public final class VerifyCommand implements StoreCommand {
    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        ChainVerifier.Report report = new ChainVerifier(ctx.dataSource()).verifyAll();
        if (report.intact()) {
            out.printf("OK: %d incidents, %d events; every hash chain is intact%n", report.incidents(), report.events());
            return OK;
        }
        for (ChainVerifier.BrokenLink link : report.broken()) {
            out.printf("BROKEN: incident %s at seq %d (event %s): %s%n", link.incidentId(), link.seq(), link.eventId(),
                    link.reason());
        }
        out.printf("%d of %d incidents have a broken hash chain%n", report.broken().size(), report.incidents());
        return BROKEN;
    }
}
