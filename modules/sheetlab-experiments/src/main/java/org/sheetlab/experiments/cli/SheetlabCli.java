package org.sheetlab.experiments.cli;

import java.util.List;
import java.util.Locale;
import org.sheetlab.core.gpu.CudaCompatibility;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.data.DatasetException;
import org.sheetlab.experiments.attention.AttentionExperiment;
import org.sheetlab.experiments.bench.BenchCommand;
import org.sheetlab.experiments.charlm.CharLmExperiment;
import org.sheetlab.experiments.finalq5.FinalQ5Experiment;
import org.sheetlab.experiments.gan.GanExperiment;
import org.sheetlab.experiments.init.InitExperiment;
import org.sheetlab.experiments.mcdropout.McDropoutExperiment;
import org.sheetlab.experiments.moe.MoeExperiment;
import org.sheetlab.experiments.newton.NewtonExperiment;
import org.sheetlab.experiments.notebook.NotebookCommand;
import org.sheetlab.experiments.pooling.PoolingExperiment;
import org.sheetlab.experiments.recall.RecallFirstExperiment;
import org.sheetlab.experiments.rnncompare.RnnCompareExperiment;
import org.sheetlab.experiments.signrnn.SignRnnExperiment;
import org.sheetlab.experiments.style.StyleTransferExperiment;
import org.sheetlab.experiments.tfidf.TfIdfSearchExperiment;
import org.sheetlab.experiments.transfer.TransferExperiment;
import org.sheetlab.experiments.vae.VaeExperiment;
import org.sheetlab.experiments.word2vec.Word2VecExperiment;
import org.sheetlab.experiments.yolo.YoloExperiment;
import org.sheetlab.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sheetlab}: the experiments of the deep-learning sheet, one subcommand each. Bad input (options, shapes,
 * missing or corrupt data, corrupt checkpoints) ends with a one-line error naming the fix, exit code 2; anything else
 * is a bug and prints its stack trace.
 */
@Command(
        name = "sheetlab",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Deep-learning sheet concepts as DL4J experiments. Every experiment takes --seed, --epochs, "
                + "--batch-size, --max-batches, --output-dir and --resume.",
        subcommands = {
            CountCommand.class,
            PredictCommand.class,
            UiCommand.class,
            BenchCommand.class,
            NotebookCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SheetlabCli {
    /** The experiments, in the order {@code --help} lists them. Add a new experiment here. */
    public static final List<Class<?>> EXPERIMENTS = List.of(
            FinalQ5Experiment.class,
            PoolingExperiment.class,
            SignRnnExperiment.class,
            RnnCompareExperiment.class,
            MoeExperiment.class,
            CharLmExperiment.class,
            AttentionExperiment.class,
            VaeExperiment.class,
            GanExperiment.class,
            RecallFirstExperiment.class,
            NewtonExperiment.class,
            InitExperiment.class,
            McDropoutExperiment.class,
            TransferExperiment.class,
            StyleTransferExperiment.class,
            TfIdfSearchExperiment.class,
            Word2VecExperiment.class,
            YoloExperiment.class);

    private SheetlabCli() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * libnd4j's OpenMP pool spins between operations and competes with OpenBLAS's threads; on few cores, training is
     * 2-3x faster with OMP_NUM_THREADS=1 (see bench/results). The variable must be set before the JVM starts, so the
     * launcher scripts set it; a direct {@code java -jar} gets this hint instead of a silent slowdown.
     */
    static void warnAboutOpenMpThreads() {
        if (System.getenv("OMP_NUM_THREADS") == null && Runtime.getRuntime().availableProcessors() <= 8) {
            org.slf4j.LoggerFactory.getLogger(SheetlabCli.class)
                    .warn(
                            "OMP_NUM_THREADS is not set: ND4J's CPU "
                                    + "backend trains this project's networks 2-3x slower on {} cores with its default OpenMP pool; "
                                    + "run through scripts/sheetlab or set OMP_NUM_THREADS=1",
                            Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * Parses {@code args}, runs the command and returns its exit code. On the CUDA backend a GPU that ND4J M2.1 has no
     * kernels for stops here with one line and exit code 2 ({@link CudaCompatibility}); on the CPU backend that check
     * does nothing.
     */
    public static int execute(String... args) {
        warnAboutOpenMpThreads();
        java.util.Optional<String> gpu = CudaCompatibility.check();
        if (gpu.isPresent()) {
            System.err.println(gpu.get());
            return 2;
        }
        String blas = System.getProperty("sheetlab.blasThreads");
        if (blas != null) {
            int n;
            try {
                n = Integer.parseInt(blas.strip());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                System.err.println("sheetlab: -Dsheetlab.blasThreads must be a whole number >= 1, got '" + blas
                        + "' (it sets the threads of ND4J's OpenBLAS GEMMs; leave it out for one per OMP thread)");
                return 2;
            }
            setBlasThreads(n);
        }
        return commandLine().execute(args);
    }

    /**
     * The threads of the GEMMs that DL4J's own layers call through ND4J (OpenBLAS). ND4J sets them from
     * OMP_NUM_THREADS, which the launcher scripts set to 1 (see {@link #warnAboutOpenMpThreads}), so DL4J's dense
     * layers multiply on one core; {@code -Dsheetlab.blasThreads=N} raises that for this process (the CLI's choice,
     * made once at start; library code never changes it). The Fast* layers and the dense step split their GEMMs over
     * {@code HostThreads} themselves and are not affected.
     */
    private static void setBlasThreads(int n) {
        org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(n);
    }

    /** The subcommands in two groups, experiments (from {@link #EXPERIMENTS}) first, then tools. */
    private static String commandList(CommandLine.Help help) {
        java.util.Map<String, CommandLine.Help> experiments = new java.util.LinkedHashMap<>();
        java.util.Map<String, CommandLine.Help> tools = new java.util.LinkedHashMap<>();
        help.subcommands().forEach((name, sub) -> {
            boolean isExperiment =
                    EXPERIMENTS.contains(sub.commandSpec().userObject().getClass());
            (isExperiment ? experiments : tools).put(name, sub);
        });
        return "%nExperiments:%n".formatted()
                + help.commandList(experiments)
                + "%nTools:%n".formatted()
                + help.commandList(tools);
    }

    /**
     * A bad option or parameter (not a number, unknown, missing): one line naming the command, the problem and where
     * the options are listed, exit code 2, instead of picocli's default of the whole usage message.
     */
    static int badParameter(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage() == null
                ? "invalid input"
                : ex.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        if (!message.isEmpty()) {
            message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        StringBuilder line =
                new StringBuilder(cmd.getCommandName()).append(": ").append(message);
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            line.append(" (did you mean ")
                    .append(String.join(
                            " or ", unmatched.getSuggestions().stream().limit(3).toList()))
                    .append("?)");
        }
        line.append("; see '").append(cmd.getCommandSpec().qualifiedName()).append(" --help'");
        cmd.getErr().println(cmd.getColorScheme().errorText(line.toString()));
        cmd.getErr().flush();
        return 2;
    }

    /**
     * The command's option for a library setting: {@code batchSize} → {@code --batch-size} (camelCase to kebab-case),
     * when {@code command} has that option; null otherwise, so that the message keeps the library's name. Library
     * code names its settings ({@link InvalidSettingException}); only this mapping knows the flags.
     */
    static String optionName(CommandLine.Model.CommandSpec command, String setting) {
        String kebab = "--" + setting.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        CommandLine.Model.OptionSpec option = command.findOption(kebab);
        return option == null ? null : option.longestName();
    }

    /** The configured command line, with every experiment registered as a subcommand. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(SheetlabCli.class);
        for (Class<?> experiment : EXPERIMENTS) {
            cli.addSubcommand(experiment);
        }
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, help -> "");
        cli.getHelpSectionMap()
                .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, SheetlabCli::commandList);
        cli.setParameterExceptionHandler(SheetlabCli::badParameter);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException
                    || ex instanceof DatasetException
                    || ex instanceof TrainingDivergedException) {
                String message = ex instanceof InvalidSettingException setting
                        ? setting.message(name -> optionName(commandLine.getCommandSpec(), name))
                        : String.valueOf(ex.getMessage());
                commandLine
                        .getErr()
                        .println(commandLine
                                .getColorScheme()
                                .errorText(commandLine.getCommandName() + ": "
                                        + message.strip().replaceAll("\\s*\\R\\s*", " ")));
                commandLine.getErr().flush();
                return 2;
            }
            throw ex;
        });
        return cli;
    }
}
