# Fifty Python threads each sum a range into their own slot; the total and a few slots are printed (the same with or without beat, in every BEAT_PTHREAD mode).
import threading

N_THREADS = 50
CHUNK = 20000
results = [0] * N_THREADS


def work(k):
    results[k] = sum(i * i % 1009 for i in range(k * CHUNK, (k + 1) * CHUNK))


threads = [threading.Thread(target=work, args=(k,)) for k in range(N_THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads", N_THREADS, "first", results[0], "last", results[-1], "total", sum(results))
