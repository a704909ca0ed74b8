package store_test

import (
	"context"
	"fmt"
	"testing"

	"boai/internal/stock"
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

// BenchmarkRecordDoc records goods-received notes from many goroutines,
// each for its own batch of N95 masks.
func BenchmarkRecordDoc(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			db := be.Open(b)
			f := newStockFixtureB(b, db)
			b.SetParallelism(32)
			var n int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := atomicAdd(&n)
					d := &stock.Doc{Kind: stock.Receipt, WarehouseID: f.main.ID,
						Lines: []stock.Line{{Lot: stock.Lot{ItemID: f.n95.ID, Batch: fmt.Sprintf("B%d", i)}, Quantity: 100}}}
					if err := db.RecordDoc(context.Background(), actor, d); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
