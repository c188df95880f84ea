package io.vigil.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through Selenium, for the consoles'
 * tests: sign in, wait for what the page shows (polling with a deadline, never a fixed sleep), click, screenshot.
 * One instance per test class keeps the suite fast (a browser starts in about a second).
 */
public final class Browser implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ChromeDriver driver;
    private final URL base;

    public Browser(URL base) {
        this.base = base;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("vigil.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900", "--hide-scrollbars");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, Level.ALL.getName()));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("vigil.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /** Opens a path of the service under test (e.g. "/" or "/console/"). */
    public Browser open(String path) {
        driver.get(base.toString().replaceAll("/$", "") + path);
        return this;
    }

    /** Types the key (with or without "Bearer ") into the console's sign-in form and waits for the role to show. */
    public Browser signIn(String key, String expectedRole) {
        signOutIfSignedIn();
        String plain = key.startsWith("Bearer ") ? key.substring(7) : key;
        find(By.id("vc-key")).sendKeys(plain);
        find(By.cssSelector("#vc-signin button[type=submit]")).click();
        until("signed in as " + expectedRole, () -> expectedRole.equals(find(By.id("vc-who")).getDomAttribute("data-role")));
        renderedAs(expectedRole);
        return this;
    }

    /** Waits until the page's data was rendered for this sign-in ("public" when signed out). */
    public Browser renderedAs(String role) {
        until("page rendered for " + role, () -> role.equals(find(By.tagName("body")).getDomAttribute("data-rendered-as")));
        return this;
    }

    public Browser signOutIfSignedIn() {
        List<WebElement> out = driver.findElements(By.id("vc-signout"));
        if (!out.isEmpty()) {
            out.get(0).click();
            find(By.id("vc-key"));
            renderedAs("public");
        }
        return this;
    }

    /** Waits until an element matching the selector exists. */
    public WebElement find(By by) {
        WebElement[] found = new WebElement[1];
        until(by.toString(), () -> (found[0] = driver.findElements(by).stream().findFirst().orElse(null)) != null);
        return found[0];
    }

    public WebElement find(String css) {
        return find(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits for a condition of the page (re-evaluated until it holds or the deadline passes). */
    public void until(String what, Supplier<Boolean> condition) {
        try {
            new WebDriverWait(driver, WAIT, POLL).withMessage(what).ignoring(StaleElementReferenceException.class)
                    .until(d -> Boolean.TRUE.equals(condition.get()));
        } catch (TimeoutException e) {
            // The page's own error bar usually says why (a 4xx/5xx the console showed).
            List<WebElement> problem = driver.findElements(By.id("vc-problem"));
            String shown = problem.isEmpty() || !problem.get(0).isDisplayed() ? "none" : problem.get(0).getText();
            throw new AssertionError("timed out waiting for " + what + "; the page's error bar: " + shown, e);
        }
    }

    /** The text of the first match, read again when the refresh loop replaced the element meanwhile. */
    public String text(String css) {
        String[] out = new String[1];
        until("text of " + css, () -> {
            try {
                out[0] = find(css).getText();
                return true;
            } catch (StaleElementReferenceException e) {
                return false;
            }
        });
        return out[0];
    }

    /** Waits until an element matching the selector shows the text. */
    public WebElement waitForText(String css, String text) {
        until(css + " shows '" + text + "'", () -> all(css).stream().anyMatch(e -> e.getText().contains(text)));
        return find(css);
    }

    /** Clicks the first match, retrying while the refresh loop replaces the element. */
    public void click(String css) {
        until("click " + css, () -> {
            try {
                find(css).click();
                return true;
            } catch (StaleElementReferenceException e) {
                return false;
            }
        });
    }

    /** Clicks the console's "Refresh" and waits for the reload to finish. */
    public void refresh() {
        String before = find(By.tagName("body")).getDomAttribute("data-renders");
        click("#vc-refresh");
        until("a refresh", () -> !String.valueOf(before).equals(find(By.tagName("body")).getDomAttribute("data-renders")));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a screenshot as target/<name>.png and returns its path. */
    public Path screenshot(String name) {
        try {
            Path out = Path.of("target", name + ".png").toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The browser console's errors so far (script errors, Content-Security-Policy violations, failed loads). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    public ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
