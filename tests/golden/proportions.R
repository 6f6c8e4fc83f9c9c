# Golden values for thrombo.analytics.proportions: Clopper-Pearson intervals and the exact
# one-sample binomial test, from base R's binom.test (which gives the Clopper-Pearson interval).
# Regenerate: cd tests/golden && Rscript proportions.R > proportions.out
options(digits = 10)
cat("R:", R.version.string, "\n")
for (kn in list(c(12, 20), c(0, 10), c(10, 10), c(21, 30), c(1, 1))) {
  ci <- binom.test(kn[1], kn[2])$conf.int
  cat(sprintf("binom.test(%d, %d)$conf.int: %.10f %.10f\n", kn[1], kn[2], ci[1], ci[2]))
}
cat(sprintf("binom.test(12, 20, p = 0.4, alternative = \"greater\")$p.value: %.10f\n",
            binom.test(12, 20, p = 0.4, alternative = "greater")$p.value))
cat(sprintf("binom.test(3, 20, p = 0.4, alternative = \"less\")$p.value: %.10f\n",
            binom.test(3, 20, p = 0.4, alternative = "less")$p.value))
cat(sprintf("binom.test(12, 20, p = 0.4)$p.value (two-sided): %.10f\n",
            binom.test(12, 20, p = 0.4)$p.value))
