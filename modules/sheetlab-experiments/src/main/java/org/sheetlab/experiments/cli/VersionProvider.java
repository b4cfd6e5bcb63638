package org.sheetlab.experiments.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Prints the sheetlab, DL4J and JavaCPP versions and the ND4J backend artifact the jar was built with. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/org/sheetlab/experiments/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {
            "sheetlab " + p.getProperty("sheetlab", "?"),
            "DL4J/ND4J/DataVec " + p.getProperty("dl4j", "?") + ", JavaCPP " + p.getProperty("javacpp", "?"),
            "backend " + p.getProperty("nd4j.backend", "?")
        };
    }
}
