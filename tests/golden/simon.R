# Golden values for thrombo.analytics.design (Simon two-stage) and the exact single-stage design.
# clinfun::ph2simon is not packaged for Debian (no r-cran-clinfun), so this is an independent,
# unpruned brute-force search written directly from Simon (Control Clin Trials 1989;10:1-10):
# every (n, n1, r1, r) with n <= nmax; designs meeting alpha and beta are kept; optimal = least
# EN0, minimax = least n then least EN0. Rows are then compared with Simon's published table.
# Regenerate: cd tests/golden && Rscript simon.R > simon.out   (about a minute)
options(digits = 10, width = 120)
cat("R:", R.version.string, "\n")

simon <- function(p0, p1, alpha, beta, nmax) {
  best_opt <- NULL; best_mm <- NULL
  for (n in 2:nmax) for (n1 in 1:(n - 1)) for (r1 in 0:(n1 - 1)) {
    x1 <- (r1 + 1):n1
    pet0 <- pbinom(r1, n1, p0)
    reject <- function(p, r) sum(dbinom(x1, n1, p) * pbinom(r - x1, n - n1, p, lower.tail = FALSE))
    for (r in r1:(n - 1)) {
      a <- reject(p0, r)
      if (a > alpha) next
      pw <- reject(p1, r)
      if (pw >= 1 - beta) {
        en0 <- n1 + (1 - pet0) * (n - n1)
        d <- c(r1 = r1, n1 = n1, r = r, n = n, en0 = en0, pet0 = pet0, alpha = a, power = pw)
        if (is.null(best_opt) || en0 < best_opt["en0"]) best_opt <- d
        if (is.null(best_mm) || (n == best_mm["n"] && en0 < best_mm["en0"])) best_mm <- d
      }
      break  # larger r only lowers power for this (n1, r1, n)
    }
  }
  rbind(optimal = best_opt, minimax = best_mm)
}

single_stage <- function(p0, p1, alpha, beta, nmax = 500) {
  for (n in 1:nmax) {
    r <- 0:n
    a <- pbinom(r, n, p0, lower.tail = FALSE)
    r <- min(r[a <= alpha])
    pw <- pbinom(r, n, p1, lower.tail = FALSE)
    if (pw >= 1 - beta) return(c(n = n, r = r, alpha = a[r + 1], power = pw))
  }
}

rows <- list(c(0.05, 0.25, 0.05, 0.2, 30), c(0.10, 0.30, 0.05, 0.2, 40),
             c(0.20, 0.40, 0.05, 0.2, 50), c(0.30, 0.50, 0.05, 0.2, 50),
             c(0.40, 0.60, 0.05, 0.2, 50), c(0.50, 0.70, 0.05, 0.2, 50),
             c(0.60, 0.80, 0.05, 0.2, 50), c(0.10, 0.30, 0.10, 0.1, 40))
for (row in rows) {
  cat(sprintf("\n## p0 %.2f p1 %.2f alpha %.2f beta %.2f (nmax %d)\n", row[1], row[2], row[3],
              row[4], as.integer(row[5])))
  print(simon(row[1], row[2], row[3], row[4], row[5]))
  cat("single stage:\n")
  print(single_stage(row[1], row[2], row[3], row[4]))
}
