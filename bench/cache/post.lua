-- wrk: POST with the bearer key (the rate-limit decision endpoint takes no body)
wrk.method = "POST"
