# Golden values for thrombo.analytics.competing_risks (Aalen-Johansen with tied times).
# Data: cif_ties.csv, ten patients built by hand; cause 1 = event of interest (e.g. TA-TMA
# resolution), 2 = competing event (e.g. death before resolution), 0 = censored.
# Ties at day 2 (one of each cause plus a censoring) and day 4 (two cause 1, one cause 2).
# Regenerate: cd tests/golden && Rscript cif_ties.R > cif_ties.out
library(cmprsk)
options(digits = 10, width = 120)
cat("R:", R.version.string, " cmprsk:", as.character(packageVersion("cmprsk")), "\n")
d <- read.csv("cif_ties.csv")
ci <- cuminc(ftime = d$time, fstatus = d$cause, cencode = 0)
cat("\n## cuminc estimates and variances (step corners)\n")
for (nm in names(ci)) {
  cat("\n#", nm, "\n")
  print(data.frame(time = ci[[nm]]$time, est = ci[[nm]]$est, var = ci[[nm]]$var))
}
cat("\n## timepoints(ci, c(0.5, 1, 2, 3, 3.5, 4, 5, 6))\n")
print(timepoints(ci, c(0.5, 1, 2, 3, 3.5, 4, 5, 6)))

cat("\n## Second example: last follow-up is a competing event (event-free survival reaches 0)\n")
cat("# time = c(1, 2, 3, 3, 4), cause = c(2, 1, 1, 0, 2)\n")
ci2 <- cuminc(ftime = c(1, 2, 3, 3, 4), fstatus = c(2, 1, 1, 0, 2), cencode = 0)
print(timepoints(ci2, c(1, 2, 3, 4)))
