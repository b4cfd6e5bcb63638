package org.sheetlab.experiments.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Helpers of the training-UI tests: a few real fit steps recorded by a StatsListener, HTTP, non-loopback addresses. */
public final class UiProbes {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private UiProbes() {}

    /**
     * Trains a 4-8-3 network for {@code iterations} fit steps with a StatsListener writing to {@code file} (session
     * {@code session}) and returns the score after every step, in order: what the UI's score chart must show.
     */
    public static List<Double> recordFit(Path file, String session, int iterations) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.05))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        List<Double> scores = new ArrayList<>();
        FileStatsStorage storage = new FileStatsStorage(file.toFile());
        try {
            net.addListeners(UiStats.listener(storage, session, TrainingUi.WORKER));
            Nd4j.getRandom().setSeed(11);
            org.nd4j.linalg.api.ndarray.INDArray x = Nd4j.rand(DataType.FLOAT, 24, 4);
            org.nd4j.linalg.api.ndarray.INDArray y = Nd4j.zeros(DataType.FLOAT, 24, 3);
            for (int i = 0; i < 24; i++) {
                y.putScalar(i, i % 3, 1.0); // three classes, learnable from nothing but memorisation
            }
            for (int i = 0; i < iterations; i++) {
                net.fit(new DataSet(x, y));
                scores.add(net.score()); // no pause: steps within one millisecond must each be kept
            }
        } finally {
            storage.close();
        }
        return scores;
    }

    /** GET {@code url}: status and body. */
    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON the overview page's charts are drawn from ({@code /train/overview/data}). */
    public static JsonNode overviewData(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = get("http://127.0.0.1:" + port + "/train/overview/data");
        if (r.statusCode() != 200) {
            throw new IOException("overview data: HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** This machine's addresses that are not loopback (IPv4 and global IPv6), from its up interfaces. */
    public static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                    found.add(a);
                }
            }
        }
        return found;
    }

    /** Whether a TCP connection to {@code address:port} is accepted within 3 s. */
    public static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 3000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
