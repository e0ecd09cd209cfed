print("lacquer")
