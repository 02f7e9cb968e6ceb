# Sums ranges in several Python threads and prints the total; a non-OpenMP program that must run the same with a preloaded runtime.
import threading

N_THREADS = 4
CHUNK = 200000
results = [0] * N_THREADS


def work(k):
    results[k] = sum(range(k * CHUNK, (k + 1) * CHUNK))


threads = [threading.Thread(target=work, args=(k,)) for k in range(N_THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads", N_THREADS, "total", sum(results))
