# Golden values for thrombo.analytics.survival and thrombo.analytics.comparisons.
# Data: survival::aml (Embury et al. 1977; 23 patients, maintenance chemotherapy in AML),
# exported once with write.csv(aml, "aml.csv", row.names = FALSE, quote = FALSE).
# Regenerate: cd tests/golden && Rscript km_aml.R > km_aml.out
library(survival)
options(digits = 10, width = 120)
cat("R:", R.version.string, " survival:", as.character(packageVersion("survival")), "\n")

aml_csv <- read.csv("aml.csv")
stopifnot(all(aml_csv$time == aml$time), all(aml_csv$status == aml$status),
          all(aml_csv$x == as.character(aml$x)))
# An artificial two-centre split for the stratified tests: odd rows centre A, even rows centre B.
aml_csv$centre <- ifelse(seq_len(nrow(aml_csv)) %% 2 == 1, "A", "B")

cat("\n## Kaplan-Meier, all patients, log-log CI\n")
fit <- survfit(Surv(time, status) ~ 1, data = aml_csv, conf.type = "log-log")
print(summary(fit))
cat("\n## Read at landmark times (step function)\n")
print(summary(fit, times = c(0, 5, 9, 12, 13, 20, 30, 45, 48, 100, 161)))
cat("\n## Median and its CI\n")
print(fit)

cat("\n## Kaplan-Meier, Maintained arm, log-log CI\n")
fit_m <- survfit(Surv(time, status) ~ 1, data = subset(aml_csv, x == "Maintained"),
                 conf.type = "log-log")
print(summary(fit_m))
print(fit_m)

cat("\n## Log-rank by arm\n")
lr <- survdiff(Surv(time, status) ~ x, data = aml_csv)
print(lr)
cat("chisq:", lr$chisq, " var:", lr$var[1, 1], " p:", 1 - pchisq(lr$chisq, 1), "\n")
cat("\n## Stratified log-rank by arm within centre\n")
slr <- survdiff(Surv(time, status) ~ x + strata(centre), data = aml_csv)
print(slr)
cat("chisq:", slr$chisq, " p:", 1 - pchisq(slr$chisq, 1), "\n")

cat("\n## Cox model (Efron ties)\n")
print(summary(coxph(Surv(time, status) ~ x, data = aml_csv)))
cat("\n## Cox model stratified by centre (Efron ties)\n")
print(summary(coxph(Surv(time, status) ~ x + strata(centre), data = aml_csv)))

cat("\n## One-sample log-rank against an exponential reference, hazard 0.02 per week\n")
# survdiff's one-sample form takes each patient's reference survival at their own follow-up time.
aml_csv$expected <- exp(-0.02 * aml_csv$time)
osl <- survdiff(Surv(time, status) ~ offset(expected), data = aml_csv)
print(osl)
cat("observed:", osl$obs, " expected:", osl$exp, " chisq:", osl$chisq,
    " p:", 1 - pchisq(osl$chisq, 1), "\n")

cat("\n## Small hand-checkable curves (not aml)\n")
cat("# a curve exactly 1/2 over [2, 5): R's median is the midpoint\n")
print(survfit(Surv(c(1, 2, 3, 5), c(1, 1, 0, 1)) ~ 1, conf.type = "log-log"))
cat("# a curve that reaches 0: the log-log limits are NA there\n")
print(summary(survfit(Surv(c(1, 2), c(1, 1)) ~ 1, conf.type = "log-log")))
