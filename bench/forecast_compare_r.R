# Scores poboard's forecasts against R's forecast package on the same
# 28-day holdout and prints a Markdown table per dataset and demand class.
#
#   Rscript bench/forecast_compare_r.R DIR
#
# DIR holds series.csv, poboard.csv and poboard_time.csv as written by
# `go run ./forecast/cmd/compare-r -out DIR`. Needs the Debian package
# r-cran-forecast.
#
# MASE is the mean absolute error over the holdout divided by the mean
# absolute one-day change over the training days (Hyndman and Koehler
# 2006), computed here for every method so all share one definition.
suppressMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript bench/forecast_compare_r.R DIR")
dir <- args[1]
h <- 28

series <- read.csv(file.path(dir, "series.csv"), stringsAsFactors = FALSE)
pob <- read.csv(file.path(dir, "poboard.csv"), stringsAsFactors = FALSE)
pob_time <- read.csv(file.path(dir, "poboard_time.csv"), stringsAsFactors = FALSE)

mase <- function(train, test, fc) {
  scale <- mean(abs(diff(train)))
  if (scale == 0) scale <- mean(train)
  if (scale == 0) scale <- 1
  mean(abs(test - fc)) / scale
}

# One job per series; mclapply spreads them over the CPUs, because ets
# takes about 0.4 s a series on the 2-core development VM.
by_series <- split(series, paste(series$dataset, series$series, sep = "\t"))
pob_by_series <- split(pob, paste(pob$dataset, pob$series, sep = "\t"))
score_series <- function(key) {
  s <- by_series[[key]]
  s <- s[order(s$t), ]
  y <- s$units
  n <- length(y)
  train <- y[1:(n - h)]
  test <- y[(n - h + 1):n]
  p <- pob_by_series[[key]]
  p <- p[order(p$h), ]

  # ets on a weekly season: daily retail demand has a day-of-week pattern.
  started <- proc.time()[["elapsed"]]
  ets_fc <- as.numeric(forecast(ets(ts(train, frequency = 7)), h = h)$mean)
  ets_seconds <- proc.time()[["elapsed"]] - started

  # croston() also computes in-sample fitted values by refitting on every
  # prefix, which takes seconds a series. croston2 with nofits = TRUE is
  # the function croston() calls for its forecast mean (forecast 8.20),
  # with the same alpha of 0.1, so the forecast is the same.
  started <- proc.time()[["elapsed"]]
  croston_fc <- if (sum(train > 0) >= 2) as.numeric(forecast:::croston2(train, h = h, alpha = 0.1, nofits = TRUE)) else rep(0, h)
  croston_seconds <- proc.time()[["elapsed"]] - started

  data.frame(
    dataset = s$dataset[1], series = s$series[1], profile = s$profile[1], class = s$class[1],
    method = p$method[1],
    poboard = mase(train, test, p$forecast),
    ets = mase(train, test, ets_fc),
    croston = mase(train, test, croston_fc),
    ets_seconds = ets_seconds, croston_seconds = croston_seconds,
    stringsAsFactors = FALSE)
}
cores <- max(1, parallel::detectCores())
message(sprintf("scoring %d series with ets and croston on %d cores", length(by_series), cores))
rows <- parallel::mclapply(names(by_series), score_series, mc.cores = cores)
failed <- Filter(function(r) inherits(r, "try-error"), rows)
if (length(failed) > 0) stop(sprintf("%d series failed, the first with: %s", length(failed), failed[[1]]))
results <- do.call(rbind, rows)
write.csv(results, file.path(dir, "mase_by_series.csv"), row.names = FALSE)

table_for <- function(data, group) {
  cat(sprintf("\n| dataset | %s | series | poboard | R ets | R croston | R best | poboard methods |\n", group))
  cat("|---|---|---|---|---|---|---|---|\n")
  for (ds in unique(data$dataset)) {
    d <- data[data$dataset == ds, ]
    for (g in sort(unique(d[[group]]))) {
      x <- d[d[[group]] == g, ]
      if (g == "") next
      means <- c(mean(x$poboard), mean(x$ets), mean(x$croston))
      methods <- table(x$method)
      used <- paste(sprintf("%s %d", names(methods), as.integer(methods)), collapse = ", ")
      cat(sprintf("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %s |\n",
                  ds, g, nrow(x), means[1], means[2], means[3], min(means[2:3]), used))
    }
    cat(sprintf("| %s | all | %d | %.3f | %.3f | %.3f | %.3f | |\n",
                ds, nrow(d), mean(d$poboard), mean(d$ets), mean(d$croston), min(mean(d$ets), mean(d$croston))))
  }
}

cat("Mean MASE on the last 28 days (lower is better); R best is the better of ets and croston per row.\n")
table_for(results, "class")
if (any(results$profile != "")) table_for(results[results$profile != "", ], "profile")

cat("\nTime to fit and forecast every series of a dataset; R's is the sum of the per-series times.\n")
cat("\n| dataset | series | poboard FitAll (s) | R ets (s) | R croston (s) |\n|---|---|---|---|---|\n")
for (ds in unique(results$dataset)) {
  d <- results[results$dataset == ds, ]
  cat(sprintf("| %s | %d | %.3f | %.1f | %.1f |\n", ds, nrow(d),
              pob_time$seconds[pob_time$dataset == ds], sum(d$ets_seconds), sum(d$croston_seconds)))
}
