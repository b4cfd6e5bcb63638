package org.sheetlab.core.settings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting has a value outside its allowed range (or is missing). The message names the one setting by its library
 * name, its value and what is allowed, e.g. {@code "MoeClassifier: experts must be >= 1, got 0"}; {@link #setting()},
 * {@link #value()} and {@link #allowed()} give the three parts to a program.
 *
 * <p>A front end that calls settings by other names (a command line's {@code --batch-size} for {@code batchSize})
 * prints {@link #message(UnaryOperator)} with its own names: the message without the owner prefix, every setting it
 * mentions renamed. Messages that mention further settings (a checkpoint made with another seed and batch size) are
 * written as templates with each setting name in braces, e.g. {@code "{resume}: the checkpoint was made with {seed}
 * %s"}, and their values as {@code %s} arguments, so that values (paths, user text) are never renamed. A setting
 * written {@code {outputDir|run folder}} reads "run folder" in the library message and is renamed like
 * {@code outputDir} by a front end.
 */
public class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)(?:\\|([^{}|]+))?\\}");
    private static final UnaryOperator<String> LIBRARY_NAMES = name -> null;

    private final String owner;
    private final String setting;
    private final String value;
    private final String allowed;
    private final String template;
    private final String[] args;

    /**
     * The general form.
     *
     * @param owner what checks the setting, printed before the message by {@link #getMessage()} (e.g. {@code
     *     "MoeClassifier"}); null for none
     * @param setting the setting's library name (e.g. {@code "batchSize"})
     * @param value its value, as given
     * @param allowed the allowed values in words (e.g. {@code ">= 1"}, or {@code "<= {experts} (4)"} naming another
     *     setting); null where the template says it
     * @param template the message body: settings as {@code {name}}, values as {@code %s} (filled from {@code args})
     * @param cause the underlying failure, or null
     * @param args the values the template's {@code %s} stand for
     */
    protected InvalidSettingException(
            String owner,
            String setting,
            Object value,
            String allowed,
            String template,
            Throwable cause,
            Object... args) {
        super(render(owner, template, LIBRARY_NAMES, strings(args)), cause);
        this.owner = owner;
        this.setting = Objects.requireNonNull(setting, "setting");
        this.value = show(value);
        this.allowed = allowed == null ? null : render(null, escape(allowed), LIBRARY_NAMES, new String[0]);
        this.template = template;
        this.args = strings(args);
    }

    /** {@code "<setting> must be <allowed>, got <value>"}, without an owner. */
    public InvalidSettingException(String setting, Object value, String allowed) {
        this(null, setting, value, allowed);
    }

    /**
     * {@code "<owner>: <setting> must be <allowed>, got <value>"}; {@code allowed} may name other settings in braces,
     * e.g. {@code "between 0 and {experts} (4)"}.
     */
    public InvalidSettingException(String owner, String setting, Object value, String allowed) {
        this(
                owner,
                setting,
                value,
                allowed,
                "{" + setting + "} must be " + escape(allowed) + ", got %s",
                null,
                new Object[] {value});
    }

    /**
     * A free-form message about {@code setting}: {@code template} names settings as {@code {name}} (or {@code
     * {name|words}}, read as the words in the library message) and holds values as {@code %s}, e.g. {@code
     * mentioning("resume", true, "{resume}: no checkpoint in %s", dir)}.
     */
    public static InvalidSettingException mentioning(String setting, Object value, String template, Object... args) {
        return new InvalidSettingException(null, setting, value, null, template, null, args);
    }

    /** {@link #mentioning(String, Object, String, Object...)} with the failure that revealed the problem. */
    public static InvalidSettingException mentioning(
            Throwable cause, String setting, Object value, String template, Object... args) {
        return new InvalidSettingException(null, setting, value, null, template, cause, args);
    }

    /** Throws {@code new InvalidSettingException(owner, setting, value, allowed)} unless {@code ok}. */
    public static void require(boolean ok, String owner, String setting, Object value, String allowed) {
        if (!ok) {
            throw new InvalidSettingException(owner, setting, value, allowed);
        }
    }

    /** The setting's library name, e.g. {@code batchSize}. */
    public String setting() {
        return setting;
    }

    /** The value given, as text ({@code "null"} when none was given). */
    public String value() {
        return value;
    }

    /** The allowed values in words (e.g. {@code ">= 1"}), or null where the message says it in its own words. */
    public String allowed() {
        return allowed;
    }

    /** What checks the setting (e.g. {@code MoeClassifier}), or null. */
    public String owner() {
        return owner;
    }

    /**
     * The message without the owner, each setting it mentions named by {@code names} (library name → the caller's
     * name, or null to keep the library's wording), e.g. {@code "--batch-size must be >= 1, got 0"} for a command
     * line that maps {@code batchSize} to {@code --batch-size}.
     */
    public String message(UnaryOperator<String> names) {
        return render(null, template, names, args);
    }

    private static String render(String owner, String template, UnaryOperator<String> names, String[] args) {
        Matcher m = NAME.matcher(template);
        StringBuilder named = new StringBuilder();
        while (m.find()) {
            String name = names.apply(m.group(1));
            if (name == null) {
                name = m.group(2) != null ? m.group(2) : m.group(1);
            }
            m.appendReplacement(named, Matcher.quoteReplacement(name.replace("%", "%%")));
        }
        m.appendTail(named);
        String body = String.format(Locale.ROOT, named.toString(), (Object[]) args);
        return owner == null ? body : owner + ": " + body;
    }

    private static String[] strings(Object[] args) {
        return args == null
                ? new String[0]
                : Arrays.stream(args).map(InvalidSettingException::show).toArray(String[]::new);
    }

    private static String show(Object v) {
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof double[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof Object[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }

    /** {@code allowed} may name settings as {@code {name}}; a {@code %} in it stays as it is. */
    private static String escape(String words) {
        return words.replace("%", "%%");
    }
}
