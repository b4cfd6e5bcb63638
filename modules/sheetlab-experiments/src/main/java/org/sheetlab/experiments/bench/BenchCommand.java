package org.sheetlab.experiments.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sheetlab bench <what>}: the benchmarks against a peer measured in the same command, one subcommand (and one
 * class) each; {@link Bench} is what they share. {@code scripts/bench <what>} runs these through scripts/sheetlab.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks against a peer (PyTorch CPU) measured in the same command; each ends with "
                + "'ratio vs best peer: X.XX' (above 1 = sheetlab faster) and records its result in bench/results/.",
        subcommands = {
            FinalQ5Bench.class,
            CnnBench.class,
            LstmBench.class,
            GruBench.class,
            RnnBench.class,
            VaeBench.class,
            GanBench.class,
            GanConvBench.class,
            SgemmBench.class,
            PoolingBench.class,
            NewtonBench.class,
            VggBench.class,
            StyleBench.class,
            NmsBench.class,
            YoloBench.class,
            Word2VecBench.class,
            OneDnnRnnBench.class,
            AllBench.class
        })
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** {@code sheetlab bench} alone: which benchmarks there are. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "name a benchmark: " + String.join(", ", spec.subcommands().keySet()));
    }
}
