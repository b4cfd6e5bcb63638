package org.sheetlab.experiments.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sheetlab.core.settings.InvalidSettingException;
import org.sheetlab.models.NetworkSpec;
import org.sheetlab.models.catalog.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sheetlab count final-q5 --input 400}: the sheet's per-layer parameter and activation table for any
 * {@link ModelCatalog} model, counted for the network's own input types; {@code sheetlab count --list} names them. A
 * model of several networks (the GAN: generator and discriminator) prints one table per network and the total.
 */
@Command(
        name = "count",
        mixinStandardHelpOptions = true,
        description =
                "Print a network's per-layer parameters and activations (sheet: Parameter & Activation Counting).")
public final class CountCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            description = "Model name, one of: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--list", description = "List the models with a one-line description each.")
    boolean list;

    @Option(
            names = "--input",
            description = "Number of input features n_in, for the models where it is free "
                    + "(the feed-forward models; default: the model's own, 400 for final-q5). "
                    + "The CNN, RNNs, sequence models and convolutional VAE and GAN have a fixed input.")
    Integer input;

    @Option(
            names = "--batch-size",
            description = "Batch size for the activations-per-batch column " + "(default: ${DEFAULT-VALUE}).")
    long batchSize = 1;

    @Override
    public Integer call() {
        if (list) {
            int width =
                    ModelCatalog.names().stream().mapToInt(String::length).max().orElse(0);
            for (ModelCatalog.Entry e : ModelCatalog.entries()) {
                System.out.printf(Locale.ROOT, "%-" + width + "s  %s%n", e.name(), e.description());
            }
            return 0;
        }
        if (model == null) {
            throw new IllegalArgumentException(
                    "name a model (sheetlab count <model>) or use --list; known models: " + ModelCatalog.names());
        }
        InvalidSettingException.require(input == null || input >= 1, null, "input", input, ">= 1");
        InvalidSettingException.require(batchSize >= 1, null, "batchSize", batchSize, ">= 1");
        ModelCatalog.Entry entry = ModelCatalog.entry(model);
        if (input != null && !entry.freeInputSize()) {
            throw new IllegalArgumentException(
                    "model " + model + " has a fixed input (" + entry.builder().inputType() + "); drop --input");
        }
        List<NetworkSpec> networks =
                entry.builder(input == null ? entry.defaultInputSize() : input).networks();
        if (networks.size() == 1) {
            System.out.print(networks.get(0).count().toTable(batchSize));
            return 0;
        }
        long total = 0;
        for (NetworkSpec n : networks) {
            System.out.printf(Locale.ROOT, "%s:%n", n.name());
            System.out.print(n.count().toTable(batchSize));
            System.out.println();
            total += n.count().totalParameters();
        }
        System.out.printf(
                Locale.ROOT,
                "total parameters (%s): %,d%n",
                String.join(" + ", networks.stream().map(NetworkSpec::name).toList()),
                total);
        return 0;
    }

    /** The catalog's model names, for picocli's help and completion. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ModelCatalog.names().iterator();
        }
    }
}
