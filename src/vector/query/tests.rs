use super::*;

#[test]
fn shapes() {
    let t = Tensor::from_values(DType::Float, vec![2, 2], &["1", "2", "3", "4"]).expect("t");
    assert_eq!(
        tensor_rows(&t).expect("rows"),
        (vec![vec![1.0, 2.0], vec![3.0, 4.0]], true)
    );
    let t = Tensor::from_values(DType::Int8, vec![1, 3], &["1", "2", "3"]).expect("t");
    assert_eq!(
        tensor_rows(&t).expect("rows"),
        (vec![vec![1.0, 2.0, 3.0]], false)
    );
    let t = Tensor::from_values(DType::Double, vec![3], &["1", "2", "3"]).expect("t");
    assert!(!tensor_rows(&t).expect("rows").1);
    let t = Tensor::zeros(DType::Float, vec![1, 1, 2]).expect("t");
    assert!(tensor_rows(&t).is_err());
    let t = Tensor::zeros(DType::Bool, vec![2]).expect("t");
    assert!(tensor_rows(&t).is_err());
}
