package store_test

import (
	"context"
	"fmt"
	"testing"

	"boai/internal/store/storetest"
)

// BenchmarkCreateDonation records donations from many goroutines, as
// concurrent API clients do, so group commit batches them.
func BenchmarkCreateDonation(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			db := be.Open(b)
			_, br := seedB(b, db)
			b.SetParallelism(32)
			var n int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := atomicAdd(&n)
					d := newDonation(br.ID, fmt.Sprintf("B-%d", i), 10000)
					if _, err := db.CreateDonation(context.Background(), actor, d); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
